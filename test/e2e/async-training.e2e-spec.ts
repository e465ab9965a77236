import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { JobRecord } from '@tusk/contracts';
import type { LocalCluster } from '../../scripts/cluster/local-cluster.js';
import type { LocalNats } from '../../scripts/local-services/index.js';
import { eventually } from '../harness/test-env.js';
import { startTestCluster, type TestCluster } from '../harness/test-cluster.js';
import { blobsCsv, blobsModel } from './synthetic-data.js';

describe('asynchronous and hogwild training through the parameter server (2 workers)', () => {
  let nats: LocalNats;
  let cluster: LocalCluster;
  let tc: TestCluster;
  let datasetId: string;

  const call = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const res = await fetch(`${cluster.driverUrl}${path}`, init);
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<T>;
  };
  const train = async (training: Record<string, unknown>): Promise<JobRecord> => {
    const job = await call<JobRecord>('/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: blobsModel, compile: { optimizer: { className: 'adam', config: { learning_rate: 0.01 } }, loss: 'categorical_crossentropy', metrics: ['accuracy'] }, datasetId, training }),
    });
    return eventually(async () => {
      const j = await call<JobRecord>(`/jobs/${job.id}`);
      return ['succeeded', 'failed', 'cancelled'].includes(j.status) ? j : null;
    }, { timeoutMs: 150_000, what: `the ${training.mode} job to finish` });
  };

  beforeAll(async () => {
    tc = await startTestCluster({ workers: 2 });
    ({ nats, cluster } = tc);
    const form = new FormData();
    form.set('format', 'csv');
    form.set('labelColumns', 'label');
    form.set('partitions', '2');
    form.set('file', new Blob([blobsCsv({ rows: 600, seed: 4 })]), 'blobs.csv');
    datasetId = (await call<{ id: string }>('/datasets', { method: 'POST', body: form })).id;
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
    const evaluation = await call<{ metrics: Record<string, number> }>(`/jobs/${job.id}/evaluate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ datasetId }) });
    expect(evaluation.metrics.accuracy).toBeGreaterThan(0.9);
  }, 180_000);

  it('trains a hogwild job (push every epoch) to success', async () => {
    const job = await train({ mode: 'hogwild', epochs: 4, batchSize: 16, partitions: 2, frequency: 'epoch', seed: 3 });
    expect(job.error).toBeUndefined();
    expect(job.status).toBe('succeeded');
    expect(job.pushStats).toMatchObject({ pushes: 8, version: 8 });
    const res = await fetch(`${cluster.driverUrl}/jobs/${job.id}/model/model.json`);
    expect(res.status).toBe(200);
    const evaluation = await call<{ metrics: Record<string, number> }>(`/jobs/${job.id}/evaluate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ datasetId }) });
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
