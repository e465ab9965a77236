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

  it('in an asynchronous job, the next attempt goes on from the steps already applied: each step applied once', async () => {
    const api = driverApi(cluster);
    while (cluster.workers().length < 2) await cluster.addWorker();
    const datasetId = await api.uploadBlobs({ rows: 4000, partitions: 2, seed: 3 });
    const training = { mode: 'asynchronous', epochs: 6, batchSize: 8, partitions: 2, frequency: 'batch', pushEvery: 5, seed: 4 };
    const job = await api.submit(datasetId, training);
    // 2000 rows a partition, 40 rows a push: 50 steps an epoch per partition.
    const steps = 50 * training.epochs * training.partitions;

    // Kill a worker once the job's weights moved well into its first epoch, mid-task and without warning.
    const running = await eventually(
      async () => {
        const j = await api.job(job.id);
        return Math.max(0, ...(j.versions ?? []).map((v) => v.version)) >= 40 ? j : null;
      },
      { timeoutMs: 60_000, what: 'the job to apply 40 pushes' },
    );
    const victim = (await api.workers()).find((w) => w.currentTask?.jobId === running.id)!;
    cluster
      .workers()
      .find((w) => w.name === victim.id)!
      .process.kill('SIGKILL');

    const done = await api.finished(job.id, 240_000);
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('succeeded');
    // Every step of both partitions applied, none twice: the killed attempt's steps were not trained again.
    expect(done.pushStats).toMatchObject({ pushes: steps, version: steps, rejected: 0, stale: 0 });
    const partitions = done.history[0].workers;
    expect(partitions.map((w) => w.partition).sort()).toEqual([0, 1]);
    expect(partitions.map((w) => w.pushes)).toEqual([steps / 2, steps / 2]);
    expect(partitions.map((w) => w.workerId)).not.toContain(victim.id);
  }, 300_000);
});
