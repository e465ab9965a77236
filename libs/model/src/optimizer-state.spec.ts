import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { getFlatWeights, setFlatWeights } from './flat-weights.js';
import { loadOptimizerState, optimizerStateBytes } from './optimizer-state.js';
import { resetOptimizer } from './reset-optimizer.js';
import { ADAM, disposeModel, tinyData, tinyModel, weightBits } from './tiny-models.fixture.js';
import { trainEpochs } from './train-epochs.js';

let data: { x: tf.Tensor2D; y: tf.Tensor2D };

beforeAll(async () => {
  await tf.setBackend('cpu');
  data = tinyData(40);
});

afterAll(() => tf.dispose(data));

const compile = { optimizer: ADAM, loss: 'categoricalCrossentropy', metrics: ['accuracy'] };

describe('optimizer state as bytes', () => {
  it('lets a second model continue exactly where the first one stopped, Adam moments and step count included', async () => {
    // One model trains two rounds in a row, keeping its optimizer.
    const straight = tinyModel();
    const start = getFlatWeights(straight);
    await trainEpochs({ model: straight, ...data, epochs: 1, batchSize: 8, seed: 1 });
    const middle = getFlatWeights(straight);
    const saved = await optimizerStateBytes(straight.optimizer);
    await trainEpochs({ model: straight, ...data, epochs: 1, batchSize: 8, seed: 2 });

    // Other models, other optimizers: the second round from the saved state, twice.
    const resume = async () => {
      const model = tinyModel();
      setFlatWeights(model, middle);
      resetOptimizer({ model, compile });
      const before = tf.memory().numTensors;
      await loadOptimizerState(model.optimizer, saved);
      expect(tf.memory().numTensors).toBeGreaterThan(before); // Adam's moments now exist
      await trainEpochs({ model, ...data, epochs: 1, batchSize: 8, seed: 2 });
      return model;
    };
    const resumed = await resume();
    const again = await resume();
    expect(weightBits(again)).toEqual(weightBits(resumed));
    // Adam's running beta powers travel too (tfjs' setWeights would recompute them with pow): the same bits.
    expect(weightBits(resumed)).toEqual(weightBits(straight));

    // Without the state, the same round lands elsewhere.
    const fresh = tinyModel();
    setFlatWeights(fresh, middle);
    resetOptimizer({ model: fresh, compile });
    await trainEpochs({ model: fresh, ...data, epochs: 1, batchSize: 8, seed: 2 });
    expect(weightBits(fresh)).not.toEqual(weightBits(straight));
    expect(start.length).toBe(middle.length);
    for (const m of [straight, resumed, again, fresh]) disposeModel(m);
  });

  it('leaks no tensor when saving', async () => {
    const model = tinyModel();
    await trainEpochs({ model, ...data, epochs: 1, batchSize: 8, seed: 1 });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await optimizerStateBytes(model.optimizer);
    expect(tf.memory().numTensors).toBe(before);
    disposeModel(model);
  });
});
