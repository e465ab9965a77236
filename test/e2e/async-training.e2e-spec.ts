import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MAX_VERSION_POINTS, type JobRecord } from '@tusk/contracts';
import type { LocalCluster } from '../../scripts/cluster/local-cluster.js';
import { driverApi } from '../harness/driver-api.js';
import { eventually } from '../harness/test-env.js';
import { startTestCluster, type TestCluster } from '../harness/test-cluster.js';
import { blobsModel } from './synthetic-data.js';

/** The per-version curve of a finished job: one point per applied, scaled or rejected push (no thinning below MAX_VERSION_POINTS). */
function expectVersionCurve(job: JobRecord): void {
  const stats = job.pushStats!;
  const versions = job.versions ?? [];
  const answered = stats.pushes + stats.rejected;
  expect(answered).toBeLessThanOrEqual(MAX_VERSION_POINTS);
  expect(versions).toHaveLength(answered);
  const numbers = versions.map((p) => p.version);
  expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
  const moved = versions.filter((p) => p.outcome !== 'rejected').map((p) => p.version);
  expect(moved).toEqual(Array.from({ length: stats.pushes }, (_, i) => i + 1));
  expect(new Set(versions.map((p) => p.partition))).toEqual(new Set([0, 1]));
  for (const p of versions) {
    expect(Number.isFinite(p.metrics.loss)).toBe(true);
    expect(typeof p.workerId).toBe('string');
  }
}

describe('asynchronous and hogwild training through the parameter server (2 workers)', () => {
  let cluster: LocalCluster;
  let tc: TestCluster;
  let datasetId: string;

  let api: ReturnType<typeof driverApi>;
  const train = async (training: Record<string, unknown>): Promise<JobRecord> =>
    api.finished((await api.submit(datasetId, training)).id, 150_000);

  beforeAll(async () => {
    tc = await startTestCluster({ workers: 2 });
    ({ cluster } = tc);
    api = driverApi(cluster);
    datasetId = await api.uploadBlobs({ rows: 600, partitions: 2, seed: 4 });
  }, 120_000);

  afterAll(async () => {
    await tc?.stop();
  });

  it('trains an asynchronous job (push every 5 batches) to success; loss and metrics per version, live and in the record', async () => {
    const submitted = await api.submit(datasetId, {
      mode: 'asynchronous',
      epochs: 3,
      batchSize: 16,
      partitions: 2,
      frequency: 'batch',
      pushEvery: 5,
      seed: 2,
    });
    const stopEvents = new AbortController();
    const events = api.collectJobEvents(submitted.id, stopEvents.signal);
    const job = await api.finished(submitted.id, 150_000);
    stopEvents.abort();
    const live = (await events).filter((e) => e.type === 'version');
    expect(live.length).toBeGreaterThan(0);
    expect(live[0]).toMatchObject({ jobId: job.id, status: 'running', point: { outcome: 'applied' } });
    expect(Number.isFinite(live[0].point!.metrics.loss)).toBe(true);
    expect(live[0].point!.metrics).toHaveProperty('accuracy');
    expectVersionCurve(job);
    expect(job.error).toBeUndefined();
    expect(job.status).toBe('succeeded');
    // 300 rows per partition, 80 rows a step: 4 steps an epoch, 3 epochs, 2 partitions.
    expect(job.pushStats).toMatchObject({ pushes: 24, version: 24, rejected: 0 });
    expect(job.history[0].workers.map((w) => w.partition).sort()).toEqual([0, 1]);
    const evaluation = await api.evaluate(job.id, datasetId);
    expect(evaluation.metrics.accuracy).toBeGreaterThan(0.9);
  }, 180_000);

  it('keeps the curve in the job record while the job runs (written every 2 s), not only at the end', async () => {
    // 960 pushes: several seconds of training, so at least one 2 s tick falls inside it.
    const submitted = await api.submit(datasetId, {
      mode: 'asynchronous',
      epochs: 120,
      batchSize: 16,
      partitions: 2,
      frequency: 'batch',
      pushEvery: 5,
      seed: 5,
    });
    const running = await eventually(
      async () => {
        const j = await api.job(submitted.id);
        if (j.status !== 'running' && j.status !== 'queued')
          throw new Error(`job ${j.id} ended (${j.status}) before its record showed a version point`);
        return (j.versions?.length ?? 0) > 0 ? j : null;
      },
      { timeoutMs: 60_000, what: 'version points in a running job record' },
    );
    expect(running.round).toBe(0);
    const job = await api.finished(submitted.id, 150_000);
    expect(job.status).toBe('succeeded');
    expect(job.versions!.length).toBeGreaterThan(running.versions!.length);
    expectVersionCurve(job);
  }, 180_000);

  it('trains a hogwild job (push every epoch) to success', async () => {
    const job = await train({ mode: 'hogwild', epochs: 4, batchSize: 16, partitions: 2, frequency: 'epoch', seed: 3 });
    expect(job.error).toBeUndefined();
    expect(job.status).toBe('succeeded');
    expect(job.pushStats).toMatchObject({ pushes: 8, version: 8 });
    expectVersionCurve(job);
    const res = await fetch(`${cluster.driverUrl}/jobs/${job.id}/model/model.json`);
    expect(res.status).toBe(200);
    const evaluation = await api.evaluate(job.id, datasetId);
    expect(evaluation.metrics.accuracy).toBeGreaterThan(0.9);
  }, 180_000);

  it('refuses asynchronous settings on a synchronous job, naming the field', async () => {
    const res = await fetch(`${cluster.driverUrl}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: blobsModel,
        compile: { optimizer: 'adam', loss: 'categorical_crossentropy' },
        datasetId,
        training: { epochs: 1, pushEvery: 3 },
      }),
    });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({
      field: 'training.pushEvery',
      message: 'training.pushEvery: applies to asynchronous and hogwild jobs only',
    });
  });
});
