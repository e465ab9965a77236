import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { evaluateRows } from './evaluate-rows.js';
import { disposeModel, firstRows, tinyData, tinyModel, weightBits } from './tiny-models.fixture.js';
import { trainOnRows } from './train-on-rows.js';
import { ModelBusyError, TrainingAbortedError, TrainingArgumentError } from './training-errors.js';

let data: { x: tf.Tensor2D; y: tf.Tensor2D };

beforeAll(async () => {
  await tf.setBackend('cpu');
  data = tinyData(50);
});

afterAll(() => tf.dispose(data));

describe('trainOnRows', () => {
  it("is fit's training step: rows 0..n-1 in order give fit(shuffle: false)'s weights and history, bit for bit", async () => {
    const { x, y } = data;
    const [viaFit, viaLoop] = [tinyModel(), tinyModel()];
    expect(weightBits(viaLoop)).toEqual(weightBits(viaFit));
    // 50 rows in batches of 16: the last batch has 2 rows, so the weighting by batch size shows.
    const history = await viaFit.fit(x, y, { epochs: 2, batchSize: 16, shuffle: false, verbose: 0 });
    const passes = [];
    for (const seed of [1, 2]) passes.push(await trainOnRows({ model: viaLoop, x, y, rows: firstRows(50), batchSize: 16, seed }));
    expect(weightBits(viaLoop)).toEqual(weightBits(viaFit));
    expect(passes.map((p) => Object.keys(p.metrics))).toEqual([Object.keys(history.history), Object.keys(history.history)]);
    expect(passes.map((p) => p.metrics.loss)).toEqual(history.history.loss);
    expect(passes.map((p) => p.metrics.acc)).toEqual(history.history.acc);
    expect(passes[0]).toMatchObject({ samples: 50, batches: 4 });
    [viaFit, viaLoop].forEach(disposeModel);
  });

  it("with evaluateRows on the last rows, gives fit's validationSplit numbers, val_* included", async () => {
    const { x, y } = data;
    const [viaFit, viaLoop] = [tinyModel(), tinyModel()];
    const history = await viaFit.fit(x, y, { epochs: 1, batchSize: 16, shuffle: false, validationSplit: 0.2, verbose: 0 });
    const pass = await trainOnRows({ model: viaLoop, x, y, rows: firstRows(40), batchSize: 16, seed: 1 });
    const validation = await evaluateRows({ model: viaLoop, x, y, rows: firstRows(10).map((i) => 40 + i), batchSize: 16, prefix: 'val_' });
    expect(weightBits(viaLoop)).toEqual(weightBits(viaFit));
    const flat = Object.fromEntries(Object.entries(history.history).map(([k, v]) => [k, v[0]]));
    expect({ ...pass.metrics, ...validation }).toEqual(flat);
    expect(Object.keys(flat).sort()).toEqual(['acc', 'loss', 'val_acc', 'val_loss']);
    [viaFit, viaLoop].forEach(disposeModel);
  });

  it("takes what fit takes: a rank-1 target for a one-unit regression gives fit's weights and loss", async () => {
    const { x } = data;
    const target = tf.tidy(() => tf.sum(x, 1));
    const build = () => {
      const model = tf.sequential({
        layers: [tf.layers.dense({ inputShape: [6], units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) })],
      });
      model.compile({ optimizer: tf.train.sgd(0.05), loss: 'meanSquaredError' });
      return model;
    };
    const [viaFit, viaLoop] = [build(), build()];
    const before = tf.memory().numTensors;
    const pass = await trainOnRows({ model: viaLoop, x, y: target, rows: firstRows(50), batchSize: 16, seed: 1 });
    expect(tf.memory().numTensors).toBe(before);
    const history = await viaFit.fit(x, target, { epochs: 1, batchSize: 16, shuffle: false, verbose: 0 });
    expect(weightBits(viaLoop)).toEqual(weightBits(viaFit));
    expect(pass.metrics).toEqual({ loss: history.history.loss[0] });
    [viaFit, viaLoop].forEach(disposeModel);
    target.dispose();
  });

  it('makes Dropout, GaussianNoise, GaussianDropout and AlphaDropout reproducible, driven by the seed', async () => {
    const { x, y } = data;
    const train = async (seed: number) => {
      const model = tinyModel({ noisy: true });
      await trainOnRows({ model, x, y, rows: firstRows(50), batchSize: 8, seed });
      const bits = weightBits(model);
      disposeModel(model);
      return bits;
    };
    const a = await train(7);
    expect(await train(7)).toEqual(a);
    // Same rows in the same order: only the random layers can tell the two seeds apart.
    expect(await train(8)).not.toEqual(a);
  });

  it('stops between batches when aborted, keeping the batches done', async () => {
    const { x, y } = data;
    const [aborted, oneBatch] = [tinyModel(), tinyModel()];
    const controller = new AbortController();
    // Runs at the first yield, after batch 0: trainOnRows runs synchronously until then.
    setImmediate(() => controller.abort(new Error('shutting down')));
    const run = trainOnRows({
      model: aborted,
      x,
      y,
      rows: firstRows(50),
      batchSize: 10,
      seed: 1,
      signal: controller.signal,
      yieldEveryMs: 0,
    });
    const err = await run.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainingAbortedError);
    expect(err).toMatchObject({ message: 'aborted after 1 of 5 batches', batchesDone: 1, batches: 5, cause: new Error('shutting down') });
    await trainOnRows({ model: oneBatch, x, y, rows: firstRows(10), batchSize: 10, seed: 1 });
    expect(weightBits(aborted)).toEqual(weightBits(oneBatch));
    // The model is free again, and an already aborted signal stops before the first batch.
    const before = weightBits(aborted);
    await expect(
      trainOnRows({ model: aborted, x, y, rows: firstRows(50), batchSize: 10, seed: 1, signal: AbortSignal.abort() }),
    ).rejects.toThrow('aborted after 0 of 5 batches');
    expect(weightBits(aborted)).toEqual(before);
    [aborted, oneBatch].forEach(disposeModel);
  });

  it('yields to the event loop during a pass, and refuses a second training of the same model meanwhile', async () => {
    const { x, y } = data;
    const model = tinyModel();
    let timerRan = false;
    setTimeout(() => (timerRan = true), 0);
    const run = trainOnRows({ model, x, y, rows: firstRows(50), batchSize: 5, seed: 1, yieldEveryMs: 0 });
    await expect(trainOnRows({ model, x, y, rows: firstRows(50), batchSize: 5, seed: 1 })).rejects.toThrow(ModelBusyError);
    await expect(model.fit(x, y, { epochs: 1 })).rejects.toThrow('another fit() call is ongoing');
    // Without a real turn of the event loop between batches the timer could only fire after the pass.
    expect(await run.then(() => timerRan)).toBe(true);
    disposeModel(model);
  });

  it('refuses rows outside x, a bad batch size and an uncompiled model', async () => {
    const { x, y } = data;
    const model = tinyModel();
    await expect(trainOnRows({ model, x, y, rows: [0, 50], batchSize: 4, seed: 1 })).rejects.toThrow(
      'rows[1] = 50 is not a row of x (0..49)',
    );
    await expect(trainOnRows({ model, x, y, rows: [0, 1.5], batchSize: 4, seed: 1 })).rejects.toThrow(TrainingArgumentError);
    await expect(trainOnRows({ model, x, y, rows: [0], batchSize: 0, seed: 1 })).rejects.toThrow(
      'batchSize must be a positive integer, got 0',
    );
    await expect(trainOnRows({ model, x, y: y.slice(1), rows: [0], batchSize: 1, seed: 1 })).rejects.toThrow('x has 50 rows but y has 49');
    const narrow = x.slice([0, 0], [50, 5]);
    await expect(trainOnRows({ model, x: narrow, y, rows: [0], batchSize: 1, seed: 1 })).rejects.toThrow('each example has shape [6]');
    narrow.dispose();
    const raw = tf.sequential({ layers: [tf.layers.dense({ inputShape: [6], units: 3 })] });
    await expect(trainOnRows({ model: raw, x, y, rows: [0], batchSize: 1, seed: 1 })).rejects.toThrow('the model is not compiled');
    raw.dispose();
    disposeModel(model);
  });
});
