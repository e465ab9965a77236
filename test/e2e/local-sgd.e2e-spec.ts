import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import type { JobEvent, JobRecord } from '@tusk/contracts';
import { driverApi, refusalOf } from '../harness/driver-api.js';
import { startTestCluster, type TestCluster } from '../harness/test-cluster.js';

describe('rounds shorter than an epoch: roundsPerEpoch (1 worker, blobs)', () => {
  let tc: TestCluster;
  let api: ReturnType<typeof driverApi>;
  let datasetId: string;

  /** Trains the job to its end; resolves to it, the sha256 of its served weights.bin and the events streamed meanwhile. */
  const train = async (training: Record<string, unknown>): Promise<{ job: JobRecord; model: string; events: JobEvent[] }> => {
    const submitted = await api.submit(datasetId, { epochs: 2, batchSize: 16, seed: 3, ...training });
    const events = api.collectJobEvents(submitted.id);
    const job = await api.finished(submitted.id, 60_000);
    expect(job.error).toBeUndefined();
    expect(job.status).toBe('succeeded');
    const model = createHash('sha256')
      .update(await api.modelFile(job.id, 'weights.bin'))
      .digest('hex');
    return { job, model, events: await events };
  };
  const digests = (job: JobRecord) => job.history.map((r) => r.weightsSha256);
  const refusal = (training: Record<string, unknown>) => refusalOf(api.submit(datasetId, { epochs: 2, partitions: 2, ...training }));

  beforeAll(async () => {
    tc = await startTestCluster({ workers: 1 });
    api = driverApi(tc.cluster);
    datasetId = await api.uploadBlobs({ rows: 320, partitions: 2, seed: 4 });
  }, 120_000);

  afterAll(async () => {
    await tc?.stop();
  });

  it('runs epochs × R rounds labelled with fractional epochs, each on a slice, the same bit for bit on a second run', async () => {
    const training = { partitions: 2, roundsPerEpoch: 2, validationSplit: 0.2, checkpointEvery: 3, lrScaling: 'linear', warmupEpochs: 1 };
    const { job, model, events } = await train(training);
    expect(job).toMatchObject({ totalRounds: 4, round: 4, progress: 1 });
    // The stream counts rounds, not epochs: each round event (those after the stream opened) carries its share.
    expect(events.every((e) => e.totalRounds === 4)).toBe(true);
    for (const e of events.filter((e) => e.type === 'round')) {
      expect(e).toMatchObject({ round: e.record!.round, progress: e.record!.round / 4, record: { epoch: e.record!.round / 2 } });
    }
    expect(events.at(-1)).toMatchObject({ status: 'succeeded', round: 4, progress: 1 });
    expect(job.spec.training.roundsPerEpoch).toBe(2);
    expect(job.history.map((r) => [r.round, r.epoch])).toEqual([
      [1, 0.5],
      [2, 1],
      [3, 1.5],
      [4, 2],
    ]);
    // Each partition holds 160 rows, 128 trained (validationSplit 0.2): 8 batches of 16, 4 per slice.
    expect(job.history.map((r) => r.samples)).toEqual([128, 128, 128, 128]);
    // Validation runs every round, on the rows each partition holds out.
    expect(job.history.every((r) => r.metrics.val_loss > 0)).toBe(true);
    // Warmup over one epoch is two rounds: 0.01 → 0.02 (×2 partitions) by half-epochs.
    const rates = job.history.map((r) => r.learningRate!);
    [0.01, 0.015, 0.02, 0.02].forEach((rate, i) => expect(rates[i]).toBeCloseTo(rate, 12));
    expect(job.checkpoints!.map((c) => [c.round, c.epoch])).toEqual([
      [3, 1.5],
      [4, 2],
    ]);

    const again = await train(training);
    expect(again.model).toBe(model);
    expect(digests(again.job)).toEqual(digests(job));
    // Averaging twice per epoch is another algorithm: another model than one round per epoch.
    const perEpoch = await train({ ...training, roundsPerEpoch: 1, checkpointEvery: 1 });
    expect(perEpoch.job.history.map((r) => r.epoch)).toEqual([1, 2]);
    expect(perEpoch.model).not.toBe(model);
  }, 120_000);

  it('gives one partition the same weights with R = 3 as with R = 1, bit for bit, epoch by epoch', async () => {
    const whole = await train({ partitions: 1 });
    const sliced = await train({ partitions: 1, roundsPerEpoch: 3 });
    expect(sliced.job.history.map((r) => r.round)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(sliced.job.history.map((r) => r.epoch.toFixed(3))).toEqual(['0.333', '0.667', '1.000', '1.333', '1.667', '2.000']);
    expect(sliced.model).toBe(whole.model);
    expect([digests(sliced.job)[2], digests(sliced.job)[5]]).toEqual(digests(whole.job));
    expect(digests(sliced.job)[0]).not.toBe(digests(whole.job)[0]);
  }, 60_000);

  it('refuses a bad roundsPerEpoch, or one it cannot combine, naming the field, before anything runs', async () => {
    const before = (await api.jobs()).length;
    expect(await refusal({ mode: 'asynchronous', roundsPerEpoch: 2 })).toEqual({
      status: 422,
      field: 'training.roundsPerEpoch',
      message: 'training.roundsPerEpoch: applies to synchronous jobs only (an asynchronous job is one round)',
    });
    expect(await refusal({ mode: 'hogwild', roundsPerEpoch: 1 })).toMatchObject({ status: 422, field: 'training.roundsPerEpoch' });
    expect(await refusal({ localEpochs: 2, roundsPerEpoch: 2 })).toEqual({
      status: 422,
      field: 'training.roundsPerEpoch',
      message: 'training.roundsPerEpoch: splits one epoch into rounds: it cannot be combined with localEpochs above 1',
    });
    // 160 rows a partition in batches of 64: 3 batches per epoch.
    expect(await refusal({ batchSize: 64, roundsPerEpoch: 4 })).toEqual({
      status: 422,
      field: 'training.roundsPerEpoch',
      message: 'training.roundsPerEpoch: partition 0 has 3 batch(es) per epoch: at most that many rounds per epoch',
    });
    for (const [value, problem] of [
      [0, 'must not be less than 1'],
      [65, 'must not be greater than 64'],
      [1.5, 'must be an integer number'],
    ] as const) {
      const refused = await refusal({ roundsPerEpoch: value });
      expect(refused.status).toBe(400);
      expect(refused.message).toContain(`training.roundsPerEpoch ${problem}`);
    }
    expect((await api.jobs()).length).toBe(before);
  }, 30_000);
});
