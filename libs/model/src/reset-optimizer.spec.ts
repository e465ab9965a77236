import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import type { CompileSpec } from '@tusk/contracts';
import { getFlatWeights, setFlatWeights } from './flat-weights.js';
import { resetOptimizer } from './reset-optimizer.js';
import { ADAM, disposeModel, tinyData, tinyModel, weightBits } from './tiny-models.fixture.js';
import { trainEpochs } from './train-epochs.js';

let data: { x: tf.Tensor2D; y: tf.Tensor2D };

beforeAll(async () => {
  await tf.setBackend('cpu');
  data = tinyData(40);
});

afterAll(() => tf.dispose(data));

const task = (model: tf.LayersModel, seed: number) => trainEpochs({ model, ...data, epochs: 1, batchSize: 8, seed });

describe('resetOptimizer', () => {
  it("makes a second task on a reused model train exactly as on a fresh one; without it Adam's moments carry over", async () => {
    const fresh = tinyModel();
    const start = getFlatWeights(fresh);
    await task(fresh, 2);
    const expected = weightBits(fresh);
    const reused = tinyModel();
    await task(reused, 1); // another partition's task first
    setFlatWeights(reused, start);
    await task(reused, 2);
    expect(weightBits(reused)).not.toEqual(expected);
    setFlatWeights(reused, start);
    resetOptimizer({ model: reused, compile: { optimizer: ADAM, loss: 'categoricalCrossentropy', metrics: ['accuracy'] } });
    await task(reused, 2);
    expect(weightBits(reused)).toEqual(expected);
    [fresh, reused].forEach(disposeModel);
  });

  it('is what the next training step uses, on a Sequential and on a functional model', async () => {
    const input = tf.input({ shape: [6] });
    const functional = tf.model({
      inputs: input,
      outputs: tf.layers.dense({ units: 3, activation: 'softmax' }).apply(input) as tf.SymbolicTensor,
    });
    functional.compile({ optimizer: tf.train.adam(0.1), loss: 'categoricalCrossentropy' });
    for (const model of [tinyModel(), functional]) {
      const before = weightBits(model);
      resetOptimizer({
        model,
        compile: { optimizer: { className: 'sgd', config: { learning_rate: 0 } }, loss: 'categoricalCrossentropy', metrics: [] },
      });
      await task(model, 1);
      expect(weightBits(model)).toEqual(before);
      resetOptimizer({
        model,
        compile: { optimizer: { className: 'sgd', config: { learning_rate: 0.1 } }, loss: 'categoricalCrossentropy', metrics: [] },
      });
      await task(model, 1);
      expect(weightBits(model)).not.toEqual(before);
      disposeModel(model);
    }
  });

  it('disposes the old optimizer: tensors stay flat over tasks, for every optimizer Tusk builds', async () => {
    const optimizers: CompileSpec['optimizer'][] = [
      'adam',
      'sgd',
      { className: 'sgd', config: { momentum: 0.9 } },
      'rmsprop',
      'adagrad',
      'adadelta',
      'adamax',
    ];
    for (const optimizer of optimizers) {
      const model = tinyModel({ optimizer });
      const compile: CompileSpec = { optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] };
      await task(model, 1);
      resetOptimizer({ model, compile });
      await task(model, 1);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) {
        resetOptimizer({ model, compile });
        await task(model, 1);
      }
      expect([optimizer, tf.memory().numTensors]).toEqual([optimizer, before]);
      disposeModel(model);
    }
  });

  it('refuses an uncompiled model, and keeps the old optimizer when the spec is bad', () => {
    const raw = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });
    expect(() => resetOptimizer({ model: raw, compile: { optimizer: 'adam', loss: 'mse', metrics: [] } })).toThrow(
      'the model is not compiled',
    );
    raw.dispose();
    const model = tinyModel();
    const old = model.optimizer;
    expect(() => resetOptimizer({ model, compile: { optimizer: 'nope', loss: 'mse', metrics: [] } })).toThrow(
      'compile.optimizer: unknown optimizer "nope"',
    );
    expect(model.optimizer).toBe(old);
    disposeModel(model);
  });
});
