import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import type { JobRecord } from '@tusk/contracts';
import { driverApi, refusalOf } from '../harness/driver-api.js';
import { startTestCluster, type TestCluster } from '../harness/test-cluster.js';
import { blobsDropoutModel, blobsModel } from './synthetic-data.js';
import { suiteStore } from '../harness/test-env.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const COMPILE = { optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] };
/** Enough rounds that a job seen at round 2 is still running when it is cancelled. */
const EPOCHS = 12;

describe('checkpoints, resume and initial weights', () => {
  let tc: TestCluster;
  let api: ReturnType<typeof driverApi>;
  let datasetId: string;
  /** An uninterrupted run: what a resumed run must match round by round. */
  let reference: JobRecord;

  const training = (extra: Record<string, unknown> = {}) => ({
    epochs: EPOCHS,
    batchSize: 16,
    partitions: 3,
    seed: 21,
    checkpointEvery: 1,
    ...extra,
  });

  beforeAll(async () => {
    tc = await startTestCluster({ workers: 1 });
    api = driverApi(tc.cluster);
    datasetId = await api.uploadBlobs({ rows: 900, partitions: 3, seed: 8 });
    const job = await api.createJob({ model: blobsDropoutModel, compile: COMPILE, datasetId, training: training({ keepCheckpoints: 2 }) });
    reference = await api.finished(job.id, 120_000);
  }, 180_000);

  afterAll(async () => {
    await tc?.stop();
  });

  it('keeps the newest checkpoints as tfjs artifacts whose weights are the rounds they name', async () => {
    expect(reference.status).toBe('succeeded');
    expect(reference.checkpoints?.map((c) => c.round)).toEqual([EPOCHS - 1, EPOCHS]);
    for (const checkpoint of reference.checkpoints!) {
      expect(checkpoint.weightsSha256).toBe(reference.history[checkpoint.round - 1].weightsSha256);
      expect(sha256(await api.checkpointFile(reference.id, checkpoint.round, 'weights.bin'))).toBe(checkpoint.weightsSha256);
    }
    const modelJson = JSON.parse(new TextDecoder().decode(await api.checkpointFile(reference.id, EPOCHS, 'model.json')));
    expect(modelJson.weightsManifest[0].paths).toEqual(['weights.bin']);
    // The older ones were dropped past keepCheckpoints.
    expect((await refusalOf(api.checkpointFile(reference.id, 1, 'weights.bin'))).status).toBe(404);
    expect(sha256(await api.modelFile(reference.id, 'weights.bin'))).toBe(reference.checkpoints![1].weightsSha256);
  });

  it('resumes a cancelled job from its newest checkpoint and ends with the weights of an uninterrupted run', async () => {
    const job = await api.createJob({ model: blobsDropoutModel, compile: COMPILE, datasetId, training: training() });
    await api.reachedRound(job.id, 2);
    const cancelled = await api.cancelJob(job.id);
    expect(cancelled.status).toBe('cancelled');
    const kept = (await api.job(job.id)).checkpoints!.map((c) => c.round);
    expect(kept.length).toBeGreaterThan(0);

    const resumed = await api.resumeJob(job.id);
    expect(resumed.status).toBe('running');
    expect(resumed.round).toBe(kept.at(-1));
    expect(resumed.resumes).toEqual([expect.objectContaining({ from: 'cancelled', round: kept.at(-1) })]);
    const done = await api.finished(job.id, 120_000);
    expect(done.status).toBe('succeeded');
    expect(done.history.map((r) => r.weightsSha256)).toEqual(reference.history.map((r) => r.weightsSha256));
    expect(sha256(await api.modelFile(job.id, 'weights.bin'))).toBe(reference.history[EPOCHS - 1].weightsSha256);

    // Only a failed or cancelled job goes on.
    const again = await refusalOf(api.resumeJob(job.id));
    expect(again.status).toBe(409);
    expect(again.message).toMatch(/is succeeded; only a failed or cancelled job can be resumed/);
  });

  it('refuses to resume a job that kept no checkpoint', async () => {
    const job = await api.createJob({ model: blobsModel, compile: COMPILE, datasetId, training: { epochs: 50, partitions: 3, seed: 3 } });
    await api.cancelJob(job.id);
    const err = await refusalOf(api.resumeJob(job.id));
    expect(err.status).toBe(409);
    expect(err.message).toMatch(/has no checkpoint to go on from/);
    expect((await api.job(job.id)).status).toBe('cancelled');
  });

  it("starts a job from another job's checkpoint or model", async () => {
    const fromCheckpoint = await api.createJob({
      model: blobsDropoutModel,
      compile: COMPILE,
      datasetId,
      training: { epochs: 1, partitions: 3, seed: 5 },
      initialWeights: { jobId: reference.id, round: EPOCHS - 1 },
    });
    const fromModel = await api.createJob({
      model: blobsDropoutModel,
      compile: COMPILE,
      datasetId,
      training: { epochs: 1, partitions: 3, seed: 5 },
      initialWeights: { jobId: reference.id },
    });
    const [a, b] = await Promise.all([api.finished(fromCheckpoint.id, 120_000), api.finished(fromModel.id, 120_000)]);
    expect([a.status, b.status]).toEqual(['succeeded', 'succeeded']);
    expect(a.initialWeightsSha256).toBe(reference.history[EPOCHS - 2].weightsSha256);
    expect(b.initialWeightsSha256).toBe(reference.history[EPOCHS - 1].weightsSha256);
  });

  it('starts a job from a tfjs artifact already in the bucket', async () => {
    const store = suiteStore(tc.env);
    try {
      await store.putBytes('incoming/blobs/model.json', await api.modelFile(reference.id, 'model.json'));
      await store.putBytes('incoming/blobs/weights.bin', await api.modelFile(reference.id, 'weights.bin'));
    } finally {
      store.destroy();
    }
    const job = await api.createJob({
      model: blobsDropoutModel,
      compile: COMPILE,
      datasetId,
      training: { epochs: 1, partitions: 3, seed: 5 },
      initialWeights: { modelJson: 'incoming/blobs/model.json', weights: 'incoming/blobs/weights.bin' },
    });
    expect((await api.finished(job.id, 120_000)).initialWeightsSha256).toBe(reference.history[EPOCHS - 1].weightsSha256);
  });

  it('refuses initial weights that do not exist or do not fit, naming the field and storing nothing', async () => {
    const before = (await api.jobs()).length;
    const wider = {
      ...blobsModel,
      config: {
        ...blobsModel.config,
        layers: [
          { ...blobsModel.config.layers[0], config: { ...blobsModel.config.layers[0].config, units: 8 } },
          blobsModel.config.layers[1],
        ],
      },
    };
    const cases: [Record<string, unknown>, Record<string, unknown>, string, RegExp][] = [
      [
        blobsDropoutModel,
        { jobId: reference.id, round: 1 },
        'initialWeights.round',
        new RegExp(`keeps no checkpoint of round 1 \\(kept: ${EPOCHS - 1}, ${EPOCHS}\\)`),
      ],
      [blobsDropoutModel, { jobId: `job-${'0'.repeat(32)}` }, 'initialWeights.jobId', /not found/],
      [wider, { jobId: reference.id }, 'initialWeights', /has shape \[4,16\], the job's model needs \[4,8\]/],
      [blobsModel, { jobId: reference.id, modelJson: 'a/model.json' }, 'initialWeights', /name either jobId .* or modelJson and weights/],
      [
        blobsModel,
        { modelJson: 'incoming/blobs/model.json', weights: 'nothing/here.bin' },
        'initialWeights.weights',
        /object nothing\/here.bin not found/,
      ],
      [
        wider,
        { modelJson: 'incoming/blobs/model.json', weights: 'incoming/blobs/weights.bin' },
        'initialWeights.weights',
        /bytes, the job's model needs/,
      ],
    ];
    for (const [model, initialWeights, field, message] of cases) {
      const res = await fetch(`${tc.cluster.driverUrl}/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model, compile: COMPILE, datasetId, training: { epochs: 1 }, initialWeights }),
      });
      expect(res.status).toBe(422);
      const body = (await res.json()) as { field: string; message: string };
      expect(body.field).toBe(field);
      expect(body.message).toMatch(message);
    }
    const malformed = await refusalOf(
      api.createJob({ model: blobsModel, compile: COMPILE, datasetId, training: { epochs: 1 }, initialWeights: { jobId: 'x' } }),
    );
    expect(malformed.status).toBe(400);
    expect(malformed.message).toMatch(/initialWeights.jobId must be a job id/);
    expect((await api.jobs()).length).toBe(before);
  });
});
