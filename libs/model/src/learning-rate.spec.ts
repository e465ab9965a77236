import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import type { CompileSpec } from '@tusk/contracts';
import { getFlatWeights, setFlatWeights } from './flat-weights.js';
import { baseLearningRate, setLearningRate } from './learning-rate.js';
import { loadOptimizerState, optimizerStateBytes } from './optimizer-state.js';
import { resetOptimizer } from './reset-optimizer.js';
import { disposeModel, tinyData, tinyModel, weightBits } from './tiny-models.fixture.js';
import { trainEpochs } from './train-epochs.js';

let data: { x: tf.Tensor2D; y: tf.Tensor2D };

beforeAll(async () => {
  await tf.setBackend('cpu');
  data = tinyData(40);
});

afterAll(() => tf.dispose(data));

const optimizer = (className: string, learningRate: number, extra: Record<string, number> = {}): CompileSpec['optimizer'] => ({
  className,
  config: { learning_rate: learningRate, ...extra },
});
const train = (model: tf.LayersModel, seed = 3) => trainEpochs({ model, ...data, epochs: 1, batchSize: 8, seed });

/** The weights after one epoch from the same start, with the optimizer given and, if any, a rate set on it before. */
async function trainedWith(spec: CompileSpec['optimizer'], rate?: number): Promise<Uint32Array> {
  const model = tinyModel({ optimizer: spec });
  if (rate !== undefined) setLearningRate(model.optimizer, rate);
  await train(model);
  const bits = weightBits(model);
  disposeModel(model);
  return bits;
}

const OPTIMIZERS: [string, Record<string, number>][] = [
  ['sgd', {}],
  ['sgd', { momentum: 0.9 }],
  ['adam', {}],
  ['rmsprop', {}],
  ['adagrad', {}],
  ['adadelta', {}],
  ['adamax', {}],
];

describe('setLearningRate', () => {
  it.each(OPTIMIZERS)('makes %s %j train exactly as if built with that rate', async (className, extra) => {
    const built = await trainedWith(optimizer(className, 0.05, extra));
    expect(await trainedWith(optimizer(className, 0.2, extra), 0.05)).toEqual(built);
    expect(await trainedWith(optimizer(className, 0.2, extra))).not.toEqual(built);
  });

  it('is needed for SGD: assigning its learningRate alone leaves the cached rate tensor as it was', async () => {
    const model = tinyModel({ optimizer: optimizer('sgd', 0.2) });
    (model.optimizer as unknown as { learningRate: number }).learningRate = 0.05;
    await train(model);
    expect(weightBits(model)).toEqual(await trainedWith(optimizer('sgd', 0.2)));
    disposeModel(model);
  });

  it('keeps a restored optimizer state (Adam moments, momentum accumulators) and leaks no tensor', async () => {
    for (const [className, extra] of [
      ['adam', {}],
      ['sgd', { momentum: 0.9 }],
    ] as const) {
      const spec = optimizer(className, 0.05, extra);
      const first = tinyModel({ optimizer: spec });
      await train(first, 1);
      const middle = getFlatWeights(first);
      const state = await optimizerStateBytes(first.optimizer);
      // A task's optimizer: fresh from the compile spec at `builtRate`, the saved state loaded, then maybe a rate set.
      const resumed = async (builtRate: number, rate?: number) => {
        const model = tinyModel({ optimizer: spec });
        setFlatWeights(model, middle);
        resetOptimizer({
          model,
          compile: { optimizer: optimizer(className, builtRate, extra), loss: 'categoricalCrossentropy', metrics: [] },
        });
        await loadOptimizerState(model.optimizer, state);
        const before = tf.memory().numTensors;
        if (rate !== undefined) setLearningRate(model.optimizer, rate);
        expect(tf.memory().numTensors).toBe(before);
        await train(model, 2);
        const bits = weightBits(model);
        disposeModel(model);
        return bits;
      };
      const expected = await resumed(0.05);
      expect(await resumed(0.9, 0.05)).toEqual(expected);
      expect(await resumed(0.05, 0.01)).not.toEqual(expected);
      disposeModel(first);
    }
  });
});

describe('baseLearningRate', () => {
  it("reads the compile optimizer's rate, or the optimizer's default", () => {
    expect(baseLearningRate(optimizer('adam', 0.02))).toBe(0.02);
    expect(baseLearningRate({ className: 'sgd', config: { lr: 0.3, momentum: 0.5 } })).toBe(0.3);
    expect(baseLearningRate('adam')).toBe(0.001);
    expect(baseLearningRate('sgd')).toBe(0.01);
    expect(baseLearningRate('adamax')).toBe(0.002);
  });
});
