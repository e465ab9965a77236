import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { JobRecord } from '@tusk/contracts';
import type { LocalCluster } from '../../scripts/cluster/local-cluster.js';
import { driverApi } from '../harness/driver-api.js';
import { startTestCluster, type TestCluster } from '../harness/test-cluster.js';
import { blobsModel } from './synthetic-data.js';

describe('asynchronous and hogwild training through the parameter server (2 workers)', () => {
  let cluster: LocalCluster;
  let tc: TestCluster;
  let datasetId: string;

  let api: ReturnType<typeof driverApi>;
  const train = async (training: Record<string, unknown>): Promise<JobRecord> => api.finished((await api.submit(datasetId, training)).id, 150_000);

  beforeAll(async () => {
    tc = await startTestCluster({ workers: 2 });
    ({ cluster } = tc);
    api = driverApi(cluster);
    datasetId = await api.uploadBlobs({ rows: 600, partitions: 2, seed: 4 });
  }, 120_000);

  afterAll(async () => {
    await tc?.stop();
  });

  it('trains an asynchronous job (push every 5 batches) to success', async () => {
    const job = await train({ mode: 'asynchronous', epochs: 3, batchSize: 16, partitions: 2, frequency: 'batch', pushEvery: 5, seed: 2 });
    expect(job.error).toBeUndefined();
    expect(job.status).toBe('succeeded');
    // 300 rows per partition, 80 rows a step: 4 steps an epoch, 3 epochs, 2 partitions.
    expect(job.pushStats).toMatchObject({ pushes: 24, version: 24, rejected: 0 });
    expect(job.history[0].workers.map((w) => w.partition).sort()).toEqual([0, 1]);
    const evaluation = await api.call<{ metrics: Record<string, number> }>(`/jobs/${job.id}/evaluate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ datasetId }) });
    expect(evaluation.metrics.accuracy).toBeGreaterThan(0.9);
  }, 180_000);

  it('trains a hogwild job (push every epoch) to success', async () => {
    const job = await train({ mode: 'hogwild', epochs: 4, batchSize: 16, partitions: 2, frequency: 'epoch', seed: 3 });
    expect(job.error).toBeUndefined();
    expect(job.status).toBe('succeeded');
    expect(job.pushStats).toMatchObject({ pushes: 8, version: 8 });
    const res = await fetch(`${cluster.driverUrl}/jobs/${job.id}/model/model.json`);
    expect(res.status).toBe(200);
    const evaluation = await api.call<{ metrics: Record<string, number> }>(`/jobs/${job.id}/evaluate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ datasetId }) });
    expect(evaluation.metrics.accuracy).toBeGreaterThan(0.9);
  }, 180_000);

  it('refuses asynchronous settings on a synchronous job, naming the field', async () => {
    const res = await fetch(`${cluster.driverUrl}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: blobsModel, compile: { optimizer: 'adam', loss: 'categorical_crossentropy' }, datasetId, training: { epochs: 1, pushEvery: 3 } }),
    });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ field: 'training.pushEvery', message: 'training.pushEvery: applies to asynchronous and hogwild jobs only' });
  });
});
