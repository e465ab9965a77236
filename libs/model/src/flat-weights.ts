import * as tf from '@tensorflow/tfjs';

/** All of a model's weights (trainable or not) as one Float32Array, in `model.weights` order. */
export function getFlatWeights(model: tf.LayersModel): Float32Array {
  const values = model.getWeights();
  const total = values.reduce((n, t) => n + t.size, 0);
  const flat = new Float32Array(total);
  let offset = 0;
  for (const t of values) {
    flat.set(t.dataSync() as Float32Array, offset);
    offset += t.size;
  }
  return flat;
}

/** Loads a flat buffer back into the model; tensors made here are disposed once assigned. */
export function setFlatWeights(model: tf.LayersModel, flat: Float32Array): void {
  const expected = countParams(model);
  if (flat.length !== expected) throw new Error(`weights have ${flat.length} values, the model needs ${expected}`);
  let offset = 0;
  const tensors = model.weights.map((w) => {
    const size = shapeSize(w.shape);
    const t = tf.tensor(flat.subarray(offset, offset + size), w.shape as number[], 'float32');
    offset += size;
    return t;
  });
  model.setWeights(tensors);
  tf.dispose(tensors);
}

export function countParams(model: tf.LayersModel): number {
  return model.weights.reduce((n, w) => n + shapeSize(w.shape), 0);
}

function shapeSize(shape: readonly (number | null)[]): number {
  return shape.reduce<number>((a, b) => a * (b ?? 1), 1);
}
