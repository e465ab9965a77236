import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { permutation } from '@tusk/data';
import { getFlatWeights, setFlatWeights } from './flat-weights.js';
import { mixSeed } from './seed-mix.js';
import { disposeModel, tinyData, tinyModel, weightBits } from './tiny-models.fixture.js';
import { sliceBatches, trainEpochs } from './train-epochs.js';
import { trainOnRows } from './train-on-rows.js';

let data: { x: tf.Tensor2D; y: tf.Tensor2D };

beforeAll(async () => {
  await tf.setBackend('cpu');
  data = tinyData(60);
});

afterAll(() => tf.dispose(data));

/** Trains a fresh tinyModel (or one given the starting weights) and returns its final weights' bits. */
async function trained({
  seed,
  noisy = false,
  start,
  epochs = 3,
}: {
  seed: number;
  noisy?: boolean;
  start?: Float32Array;
  epochs?: number;
}): Promise<Uint32Array> {
  const model = tinyModel({ noisy });
  if (start) setFlatWeights(model, start);
  await trainEpochs({ model, ...data, epochs, batchSize: 8, seed });
  const bits = weightBits(model);
  disposeModel(model);
  return bits;
}

describe('trainEpochs', () => {
  it('gives bit-identical weights for a seed, also in a second model built apart and given the same starting weights', async () => {
    const a = await trained({ seed: 42 });
    expect(await trained({ seed: 42 })).toEqual(a);
    // A model whose own initial weights differ, loaded with the first one's starting weights.
    const first = tinyModel();
    const start = getFlatWeights(first);
    disposeModel(first);
    const other = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [6], units: 8, activation: 'relu' }), tf.layers.dense({ units: 3, activation: 'softmax' })],
    });
    expect(getFlatWeights(other)).not.toEqual(start);
    other.dispose();
    expect(await trained({ seed: 42, start })).toEqual(a);
    expect(await trained({ seed: 43 })).not.toEqual(a);
  });

  it('makes a model with Dropout and GaussianNoise (and Gaussian and Alpha dropout) reproducible', async () => {
    const a = await trained({ seed: 5, noisy: true });
    expect(await trained({ seed: 5, noisy: true })).toEqual(a);
    expect(await trained({ seed: 6, noisy: true })).not.toEqual(a);
  });

  it('trains epoch e in the order permutation(rows, mixSeed(seed, e)), batch b seeded by mixSeed(seed, e, b)', async () => {
    const [viaEpochs, viaRows] = [tinyModel({ noisy: true }), tinyModel({ noisy: true })];
    const result = await trainEpochs({ model: viaEpochs, ...data, epochs: 2, batchSize: 8, seed: 9 });
    for (const epoch of [0, 1]) {
      await trainOnRows({ model: viaRows, ...data, rows: permutation(60, mixSeed(9, epoch)), batchSize: 8, seed: mixSeed(9, epoch) });
    }
    expect(weightBits(viaEpochs)).toEqual(weightBits(viaRows));
    expect(result.epochMetrics).toHaveLength(2);
    expect(result.metrics).toEqual(result.epochMetrics[1]);
    expect(Object.keys(result.metrics)).toEqual(['loss', 'acc']);
    expect(result).toMatchObject({ trainRows: 60, validationRows: 0 });
    [viaEpochs, viaRows].forEach(disposeModel);
  });

  it('holds out the last rows with validationSplit, never trains on them, and reports val_* on them', async () => {
    const { x, y } = data;
    // fit's split point: floor(60 × 0.75) = 45 training rows, the last 15 held out.
    const train = async (features: tf.Tensor) => {
      const model = tinyModel();
      const result = await trainEpochs({ model, x: features, y, epochs: 2, batchSize: 8, seed: 3, validationSplit: 0.25 });
      return { model, result };
    };
    const { model, result } = await train(x);
    expect(result).toMatchObject({ trainRows: 45, validationRows: 15 });
    expect(Object.keys(result.metrics).sort()).toEqual(['acc', 'loss', 'val_acc', 'val_loss']);
    const evaluated = model.evaluate(x.slice(45), y.slice(45), { batchSize: 8 }) as tf.Scalar[];
    expect([result.metrics.val_loss, result.metrics.val_acc]).toEqual(evaluated.map((s) => s.dataSync()[0]));
    tf.dispose(evaluated);
    // Other values in the held-out rows change val_* but not one bit of the weights.
    const corrupted = tf.concat([x.slice(0, 45), tf.fill([15, 6], 100)]);
    const other = await train(corrupted);
    expect(weightBits(other.model)).toEqual(weightBits(model));
    expect(other.result.metrics.val_loss).not.toBe(result.metrics.val_loss);
    tf.dispose(corrupted);
    [model, other.model].forEach(disposeModel);
  });

  it('calls onEpochEnd after each epoch, with the weights that epoch left and its metrics', async () => {
    const model = tinyModel();
    const seen: { epoch: number; bits: Uint32Array; loss: number }[] = [];
    const { epochMetrics } = await trainEpochs({
      model,
      ...data,
      epochs: 3,
      batchSize: 8,
      seed: 7,
      onEpochEnd: (epoch, metrics) => void seen.push({ epoch, bits: weightBits(model), loss: metrics.loss }),
    });
    disposeModel(model);
    expect(seen.map((s) => s.epoch)).toEqual([0, 1, 2]);
    expect(seen.map((s) => s.loss)).toEqual(epochMetrics.map((m) => m.loss));
    for (const s of seen) expect(s.bits).toEqual(await trained({ seed: 7, epochs: s.epoch + 1 }));
  });

  it('gives one whole epoch bit for bit when its slices run in turn on one model, for a count not dividing the batches', async () => {
    // 60 rows in batches of 8: B = 8 batches (the last of 4 rows); 3 slices cover batches [0, 2), [2, 5), [5, 8).
    expect([0, 1, 2].map((index) => sliceBatches({ index, count: 3 }, 8))).toEqual([
      { first: 0, end: 2 },
      { first: 2, end: 5 },
      { first: 5, end: 8 },
    ]);
    const [whole, sliced] = [tinyModel({ noisy: true }), tinyModel({ noisy: true })];
    setFlatWeights(sliced, getFlatWeights(whole));
    const epoch = await trainEpochs({ model: whole, ...data, epochs: 1, batchSize: 8, seed: 13 });
    const samples: number[] = [];
    for (const index of [0, 1, 2]) {
      const part = await trainEpochs({ model: sliced, ...data, epochs: 1, batchSize: 8, seed: 13, slice: { index, count: 3 } });
      samples.push(part.samples);
      if (index === 0) expect(weightBits(sliced)).not.toEqual(weightBits(whole));
    }
    expect(samples).toEqual([16, 24, 20]);
    expect(epoch.samples).toBe(60);
    expect(weightBits(sliced)).toEqual(weightBits(whole));
    [whole, sliced].forEach(disposeModel);
  });

  it('refuses a slice that is not one of an epoch', async () => {
    const model = tinyModel();
    await expect(trainEpochs({ model, ...data, epochs: 1, batchSize: 8, seed: 1, slice: { index: 3, count: 3 } })).rejects.toThrow(
      'slice 3 of 3 is not a slice of an epoch',
    );
    expect(() => sliceBatches({ index: 0, count: 0 }, 8)).toThrow('slice 0 of 0');
    disposeModel(model);
  });

  it('leaves no tensors behind across repeated calls', async () => {
    const model = tinyModel({ noisy: true });
    const run = () => trainEpochs({ model, ...data, epochs: 2, batchSize: 8, seed: 1, validationSplit: 0.2 });
    await run(); // Adam creates its moments on the first step
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await run();
    expect(tf.memory().numTensors).toBe(before);
    disposeModel(model);
  });

  it('refuses a split outside [0, 1) and a negative epoch count', async () => {
    const model = tinyModel();
    await expect(trainEpochs({ model, ...data, epochs: 1, batchSize: 8, seed: 1, validationSplit: 1 })).rejects.toThrow(
      'validationSplit must be in [0, 1), got 1',
    );
    await expect(trainEpochs({ model, ...data, epochs: -1, batchSize: 8, seed: 1 })).rejects.toThrow(
      'epochs must be a non-negative integer, got -1',
    );
    disposeModel(model);
  });

  it('is reproducible on the wasm backend too', async () => {
    await tf.setBackend('wasm');
    try {
      const wasmData = tinyData(60);
      const run = async () => {
        const model = tinyModel({ noisy: true });
        await trainEpochs({ model, ...wasmData, epochs: 2, batchSize: 8, seed: 11 });
        const bits = weightBits(model);
        disposeModel(model);
        return bits;
      };
      expect(await run()).toEqual(await run());
      tf.dispose(wasmData);
    } finally {
      await tf.setBackend('cpu');
    }
  });
});
