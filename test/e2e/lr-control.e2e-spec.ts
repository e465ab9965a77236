import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import type { JobRecord } from '@tusk/contracts';
import { driverApi, refusalOf } from '../harness/driver-api.js';
import { startTestCluster, type TestCluster } from '../harness/test-cluster.js';

const SGD = { optimizer: { className: 'sgd', config: { learning_rate: 0.05 } }, loss: 'categorical_crossentropy', metrics: ['accuracy'] };

describe('learning-rate control and early stopping (1 worker, blobs)', () => {
  let tc: TestCluster;
  let api: ReturnType<typeof driverApi>;
  let datasetId: string;

  const train = async (training: Record<string, unknown>): Promise<JobRecord> => {
    const job = await api.finished((await api.submit(datasetId, { batchSize: 16, partitions: 2, seed: 5, ...training }, SGD)).id, 60_000);
    expect(job.error).toBeUndefined();
    expect(job.status).toBe('succeeded');
    return job;
  };
  const digests = (job: JobRecord) => job.history.map((r) => r.weightsSha256);
  const refusal = (training: Record<string, unknown>) => refusalOf(api.submit(datasetId, { epochs: 4, partitions: 2, ...training }, SGD));

  beforeAll(async () => {
    tc = await startTestCluster({ workers: 1 });
    api = driverApi(tc.cluster);
    datasetId = await api.uploadBlobs({ rows: 400, partitions: 2, seed: 9 });
  }, 120_000);

  afterAll(async () => {
    await tc?.stop();
  });

  it('records the warmed-up, scaled and scheduled rate per round, and the workers train with it', async () => {
    // base 0.05, ×2 partitions = 0.1 after a 2-epoch warmup, then halved every epoch.
    const scheduled = await train({
      epochs: 4,
      lrScaling: 'linear',
      warmupEpochs: 2,
      lrSchedule: { type: 'step', stepEpochs: 1, gamma: 0.5 },
    });
    expect(scheduled.spec.training).toMatchObject({
      lrScaling: 'linear',
      warmupEpochs: 2,
      lrSchedule: { type: 'step', stepEpochs: 1, gamma: 0.5 },
    });
    const rates = scheduled.history.map((r) => r.learningRate!);
    [0.05, 0.075, 0.1, 0.05].forEach((rate, i) => expect(rates[i]).toBeCloseTo(rate, 12));

    // The same job at a constant 0.05: its first round (same rate) gives the same weights, the second (0.05, not 0.075) does not.
    const plain = await train({ epochs: 2 });
    expect(plain.history.map((r) => r.learningRate)).toEqual([0.05, 0.05]);
    expect(digests(scheduled)[0]).toBe(digests(plain)[0]);
    expect(digests(scheduled)[1]).not.toBe(digests(plain)[1]);

    // FedAvgM: the velocity is kept in the weights bucket between rounds, so two runs agree bit for bit; from the second
    // round on it moves the weights away from plain FedAvg's.
    const momentum = await train({ epochs: 2, serverMomentum: 0.5 });
    const again = await train({ epochs: 2, serverMomentum: 0.5 });
    expect(digests(again)).toEqual(digests(momentum));
    expect(digests(momentum)[1]).not.toBe(digests(plain)[1]);
  }, 120_000);

  it('gives asynchronous workers the plan: the record holds the rate at the end and the range', async () => {
    const job = await train({
      mode: 'asynchronous',
      epochs: 2,
      lrScaling: 'sqrt',
      warmupEpochs: 1,
      lrSchedule: { type: 'cosine', minLr: 0.01 },
    });
    expect(job.history[0].learningRate).toBeCloseTo(0.01, 12);
    expect(job.history[0].learningRateRange![0]).toBeCloseTo(0.01, 12);
    expect(job.history[0].learningRateRange![1]).toBeCloseTo(0.05 * Math.SQRT2, 12);
    expect(job.pushStats!.pushes).toBe(4);
  }, 60_000);

  it('stops when val_accuracy stops improving, succeeds with stoppedEarly, and serves the best round as the model', async () => {
    // No accuracy can beat another by more than 1: the job stops after round 2 of 6, and round 1 is the model.
    const job = await train({ epochs: 6, validationSplit: 0.25, earlyStopping: { metric: 'val_accuracy', minDelta: 1, patience: 1 } });
    expect(job.spec.training.earlyStopping).toEqual({ metric: 'val_accuracy', mode: 'max', patience: 1, minDelta: 1 });
    expect(job).toMatchObject({ stoppedEarly: true, bestRound: 1, round: 2, totalRounds: 6, modelReady: true, progress: 1 });
    expect(job.history.map((r) => r.round)).toEqual([1, 2]);
    const model = createHash('sha256')
      .update(await api.modelFile(job.id, 'weights.bin'))
      .digest('hex');
    expect(model).toBe(job.history[0].weightsSha256);
    expect(model).not.toBe(job.history[1].weightsSha256);
    // Evaluation reads the same kept weights version.
    expect((await api.evaluate(job.id, datasetId)).samples).toBe(400);

    // Patience longer than the job: it runs all its rounds, stoppedEarly false, and its model is still the best round's.
    const full = await train({ epochs: 2, earlyStopping: { metric: 'loss', patience: 5 } });
    expect(full).toMatchObject({ stoppedEarly: false, round: 2, progress: 1 });
    const best = full.history.reduce((a, b) => (b.metrics.loss < a.metrics.loss ? b : a));
    expect(full.bestRound).toBe(best.round);
    expect(
      createHash('sha256')
        .update(await api.modelFile(full.id, 'weights.bin'))
        .digest('hex'),
    ).toBe(best.weightsSha256);
  }, 90_000);

  it('refuses out-of-range settings with a 400 or 422 naming the field, before anything runs', async () => {
    expect(await refusal({ warmupEpochs: 5, lrScaling: 'linear' })).toEqual({
      status: 422,
      field: 'training.warmupEpochs',
      message: "training.warmupEpochs: at most the job's 4 epochs",
    });
    expect((await refusal({ warmupEpochs: 1 })).field).toBe('training.warmupEpochs');
    expect(await refusal({ lrSchedule: { type: 'step', gamma: 0.5 } })).toMatchObject({
      status: 422,
      field: 'training.lrSchedule.stepEpochs',
    });
    expect(await refusal({ lrSchedule: { type: 'exponential', gamma: 0.5, minLr: 0.1 } })).toMatchObject({
      status: 422,
      field: 'training.lrSchedule.minLr',
    });
    const gamma = await refusal({ lrSchedule: { type: 'exponential', gamma: 1.5 } });
    expect(gamma.status).toBe(400);
    expect(gamma.message).toContain('training.lrSchedule.gamma must not be greater than 1');
    expect(await refusal({ lrSchedule: { type: 'cosine', minLr: 0.05 } })).toEqual({
      status: 422,
      field: 'training.lrSchedule.minLr',
      message: 'training.lrSchedule.minLr: must be below the scaled rate 0.05',
    });
    expect(await refusal({ earlyStopping: { metric: 'val_loss' } })).toEqual({
      status: 422,
      field: 'training.earlyStopping.metric',
      message:
        'training.earlyStopping.metric: the rounds record loss, accuracy, not val_loss ' +
        '(val_ metrics need validationSplit or validationDatasetId)',
    });
    expect((await refusal({ mode: 'hogwild', earlyStopping: { metric: 'loss' } })).field).toBe('training.earlyStopping');
    expect((await refusal({ mode: 'asynchronous', serverMomentum: 0.9 })).field).toBe('training.serverMomentum');
  }, 30_000);
});
