import * as tf from '@tensorflow/tfjs';
import type { CompileSpec } from '@tusk/contracts';
import { makeOptimizer } from './compile-settings.js';
import { disposeOptimizer } from './dispose-optimizer.js';
import { getFlatWeights } from './flat-weights.js';

export const ADAM: CompileSpec['optimizer'] = { className: 'adam', config: { learning_rate: 0.01 } };

/** A compiled 6-8-3 softmax classifier with seeded initial weights; `noisy` adds each random layer tfjs has for dense inputs. */
export function tinyModel({
  noisy = false,
  optimizer = ADAM,
}: { noisy?: boolean; optimizer?: CompileSpec['optimizer'] } = {}): tf.LayersModel {
  const layers: tf.layers.Layer[] = [
    tf.layers.dense({ inputShape: [6], units: 8, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
  ];
  if (noisy) {
    layers.push(
      tf.layers.dropout({ rate: 0.4 }),
      tf.layers.gaussianNoise({ stddev: 0.3 }),
      tf.layers.gaussianDropout({ rate: 0.2 }),
      tf.layers.alphaDropout({ rate: 0.1 }),
    );
  }
  layers.push(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
  const model = tf.sequential({ layers });
  model.compile({ optimizer: makeOptimizer(optimizer), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** Frees a model built by tinyModel, optimizer included (compile with an instance leaves it to the caller). */
export function disposeModel(model: tf.LayersModel): void {
  disposeOptimizer(model.optimizer);
  model.dispose();
}

/** n rows of 6 features with one-hot labels of 3 classes, fixed by the seed. */
export function tinyData(n: number, seed = 7): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const x = tf.randomNormal([n, 6], 0, 1, 'float32', seed) as tf.Tensor2D;
    const labels = tf.argMax(tf.matMul(x, tf.randomNormal([6, 3], 0, 1, 'float32', seed + 1)), 1);
    return { x, y: tf.oneHot(labels as tf.Tensor1D, 3).toFloat() as tf.Tensor2D };
  });
}

/** The model's weights as raw float32 bit patterns, so comparisons are bit for bit (-0 ≠ 0, NaN = NaN). */
export const weightBits = (model: tf.LayersModel): Uint32Array => new Uint32Array(getFlatWeights(model).buffer);

/** 0..n-1 */
export const firstRows = (n: number): Uint32Array => Uint32Array.from({ length: n }, (_, i) => i);
