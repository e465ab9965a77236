import { beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { buildModel } from './build-model.js';
import { getFlatWeights } from './flat-weights.js';

/** A topology as a user writes it by hand: no initializer named, so tfjs uses its defaults. */
const implicit = {
  class_name: 'Sequential',
  config: {
    name: 'implicit',
    layers: [
      { class_name: 'Dense', config: { units: 8, activation: 'relu', batch_input_shape: [null, 4], name: 'hidden' } },
      { class_name: 'Dense', config: { units: 3, activation: 'softmax', name: 'out' } },
    ],
  },
};
const compile = { optimizer: 'adam', loss: 'categorical_crossentropy', metrics: [] };

const initialWeights = async (seed: number): Promise<Float32Array> => {
  const model = await buildModel({ topology: implicit, compile, seed });
  try {
    return getFlatWeights(model);
  } finally {
    model.optimizer?.dispose();
    model.dispose();
  }
};

describe('buildModel', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('draws the same initial weights from the same seed, even for initializers the topology leaves implicit', async () => {
    const a = await initialWeights(5);
    expect(a.some((v) => v !== 0)).toBe(true);
    expect(await initialWeights(5)).toEqual(a);
    expect(await initialWeights(6)).not.toEqual(a);
  });

  it('leaves Math.random as it was', async () => {
    const before = Math.random;
    await initialWeights(5);
    expect(Math.random).toBe(before);
  });
});
