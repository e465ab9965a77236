import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { JobRecord, WorkerHeartbeat } from '@tusk/contracts';
import type { LocalCluster } from '../../scripts/cluster/local-cluster.js';
import type { LocalNats } from '../../scripts/local-services/index.js';
import { eventually } from '../harness/test-env.js';
import { startTestCluster, type TestCluster } from '../harness/test-cluster.js';
import { blobsCsv, blobsModel } from '../e2e/synthetic-data.js';

const api = (base: string) => ({
  get: async <T>(path: string) => (await fetch(`${base}${path}`)).json() as Promise<T>,
  post: async <T>(path: string, body: BodyInit, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', body, headers });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<T>;
  },
});

describe('a worker killed in the middle of a task', () => {
  let nats: LocalNats;
  let cluster: LocalCluster;
  let tc: TestCluster;

  beforeAll(async () => {
    tc = await startTestCluster({ workers: 2, env: { TUSK_TASK_ACK_WAIT_S: '3' } });
    ({ nats, cluster } = tc);
  }, 120_000);

  afterAll(async () => {
    await tc?.stop();
  });

  it('costs a redelivery, not the job: every partition counts once in every round', async () => {
    const client = api(cluster.driverUrl);
    const form = new FormData();
    form.set('format', 'csv');
    form.set('labelColumns', 'label');
    form.set('partitions', '2');
    form.set('file', new Blob([blobsCsv({ rows: 6000, seed: 2 })]), 'blobs.csv');
    const dataset = await client.post<{ id: string }>('/datasets', form);
    const job = await client.post<JobRecord>('/jobs', JSON.stringify({
      model: blobsModel,
      compile: { optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] },
      datasetId: dataset.id,
      training: { epochs: 6, localEpochs: 2, batchSize: 8, partitions: 2, seed: 1 },
    }), { 'content-type': 'application/json' });

    // Kill whichever worker is training, mid-task, without warning.
    const busy = await eventually(async () => {
      const workers = await client.get<WorkerHeartbeat[]>('/workers');
      return workers.find((w) => w.currentTask?.jobId === job.id && w.currentTask.kind === 'train');
    }, { timeoutMs: 60_000, what: 'a worker to start a task' });
    const victim = cluster.workers().find((w) => w.name === busy.id)!;
    victim.process.kill('SIGKILL');

    const done = await eventually(async () => {
      const j = await client.get<JobRecord>(`/jobs/${job.id}`);
      return ['succeeded', 'failed', 'cancelled'].includes(j.status) ? j : null;
    }, { timeoutMs: 240_000, what: 'the job to finish' });
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('succeeded');
    expect(done.history).toHaveLength(3);
    for (const round of done.history) {
      expect(round.workers.map((w) => w.partition).sort()).toEqual([0, 1]);
      expect(round.samples).toBe(6000);
    }
    // After the kill, the surviving worker did the rest.
    const survivors = new Set(done.history.at(-1)!.workers.map((w) => w.workerId));
    expect(survivors.has(busy.id)).toBe(false);
  }, 300_000);
});
