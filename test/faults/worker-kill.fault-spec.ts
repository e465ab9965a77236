import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LocalCluster } from '../../scripts/cluster/local-cluster.js';
import { eventually } from '../harness/test-env.js';
import { startTestCluster, type TestCluster } from '../harness/test-cluster.js';
import { driverApi } from '../harness/driver-api.js';

describe('a worker killed in the middle of a task', () => {
  let cluster: LocalCluster;
  let tc: TestCluster;

  beforeAll(async () => {
    tc = await startTestCluster({ workers: 2, env: { TUSK_TASK_ACK_WAIT_S: '3' } });
    ({ cluster } = tc);
  }, 120_000);

  afterAll(async () => {
    await tc?.stop();
  });

  it('costs a redelivery, not the job: every partition counts once in every round', async () => {
    const api = driverApi(cluster);
    const datasetId = await api.uploadBlobs({ rows: 6000, partitions: 2, seed: 2 });
    const job = await api.submit(
      datasetId,
      { epochs: 6, localEpochs: 2, batchSize: 8, partitions: 2, seed: 1 },
      { optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] },
    );

    // Kill whichever worker is training, mid-task, without warning.
    const busy = await eventually(
      async () => {
        const workers = await api.workers();
        return workers.find((w) => w.currentTask?.jobId === job.id && w.currentTask.kind === 'train');
      },
      { timeoutMs: 60_000, what: 'a worker to start a task' },
    );
    const victim = cluster.workers().find((w) => w.name === busy.id)!;
    victim.process.kill('SIGKILL');

    const done = await api.finished(job.id, 240_000);
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
