import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { JobRecord } from '@tusk/contracts';
import { eventually } from '../harness/test-env.js';
import { startTestCluster, type TestCluster } from '../harness/test-cluster.js';
import { driverApi } from '../harness/driver-api.js';

const seconds = (job: JobRecord) => (Date.parse(job.finishedAt!) - Date.parse(job.startedAt!)) / 1000;

describe('liveness instead of deadlines (every timeout 3 s)', () => {
  let tc: TestCluster;
  const TIMEOUT_S = 3;

  beforeAll(async () => {
    tc = await startTestCluster({
      workers: 2,
      env: {
        TUSK_STALL_TIMEOUT_S: String(TIMEOUT_S),
        TUSK_TASK_ACK_WAIT_S: String(TIMEOUT_S),
        TUSK_OUTAGE_LIMIT_S: String(TIMEOUT_S),
        TUSK_REQUEST_TIMEOUT_MS: String(TIMEOUT_S * 1000),
        TUSK_HEARTBEAT_S: '1',
      },
    });
  }, 120_000);

  afterAll(async () => {
    await tc?.stop();
  });

  it('an asynchronous job three times longer than every timeout succeeds', async () => {
    const api = driverApi(tc.cluster);
    const datasetId = await api.uploadBlobs({ rows: 6000, partitions: 2, seed: 5 });
    const submitted = await api.submit(datasetId, {
      mode: 'asynchronous',
      epochs: 16,
      batchSize: 16,
      partitions: 2,
      frequency: 'batch',
      pushEvery: 1,
      seed: 5,
    });
    const done = await api.finished(submitted.id, 240_000);
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('succeeded');
    expect(seconds(done)).toBeGreaterThan(3 * TIMEOUT_S);
    // 3000 rows a partition, 16 rows a step: 188 steps an epoch, 16 epochs, 2 partitions.
    expect(done.pushStats).toMatchObject({ pushes: 6016, version: 6016 });
  }, 300_000);

  it('a job nobody can train fails once nothing moved for the stall timeout, naming its partitions', async () => {
    const api = driverApi(tc.cluster);
    const datasetId = await api.uploadBlobs({ rows: 300, partitions: 2, seed: 6 });
    await Promise.all(tc.cluster.workers().map((w) => w.process.stop()));
    const submitted = await api.submit(datasetId, { epochs: 2, batchSize: 16, partitions: 2, seed: 6 });
    const done = await api.finished(submitted.id, 60_000);
    expect(done.status).toBe('failed');
    expect(done.error).toBe(
      `stalled: nothing moved for ${TIMEOUT_S} s (TUSK_STALL_TIMEOUT_S); train.0 partitions [0, 1] have no result, ` +
        `no worker took them (0 live worker(s))`,
    );
    // Its tasks left the queue with it: a worker that joins later finds nothing of it.
    await tc.cluster.addWorker();
    const idle = await eventually(async () => (await api.workers()).find((w) => w.currentTask === null), {
      timeoutMs: 30_000,
      what: 'an idle worker',
    });
    expect(idle).toBeDefined();
  }, 120_000);
});

describe('a worker that stops heartbeating (SIGSTOP) while the ack wait is 60 s', () => {
  let tc: TestCluster;

  beforeAll(async () => {
    tc = await startTestCluster({ workers: 2, env: { TUSK_TASK_ACK_WAIT_S: '60', TUSK_HEARTBEAT_S: '1' } });
  }, 120_000);

  afterAll(async () => {
    for (const w of tc?.cluster.workers() ?? []) w.process.child.kill('SIGCONT');
    await tc?.stop();
  });

  it('has its task given to another worker at once; when it wakes up it drops the task it held', async () => {
    const api = driverApi(tc.cluster);
    const datasetId = await api.uploadBlobs({ rows: 6000, partitions: 2, seed: 2 });
    const job = await api.submit(datasetId, { epochs: 4, localEpochs: 2, batchSize: 8, partitions: 2, seed: 1 });
    const busy = await eventually(
      async () => {
        const workers = await api.workers();
        return workers.find((w) => w.currentTask?.jobId === job.id && w.currentTask.kind === 'train');
      },
      { timeoutMs: 60_000, what: 'a worker to start a task' },
    );
    const victim = tc.cluster.workers().find((w) => w.name === busy.id)!;
    victim.process.child.kill('SIGSTOP');
    const stoppedAt = Date.now();

    const done = await api.finished(job.id, 120_000);
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('succeeded');
    // Well before the 60 s ack wait would have handed the task back.
    expect((Date.parse(done.finishedAt!) - stoppedAt) / 1000).toBeLessThan(45);
    for (const round of done.history) expect(round.workers.map((w) => w.partition).sort()).toEqual([0, 1]);
    expect(done.history.at(-1)!.workers.every((w) => w.workerId !== busy.id)).toBe(true);

    victim.process.child.kill('SIGCONT');
    const woke = await eventually(async () => (await api.workers()).find((w) => w.id === busy.id && w.currentTask === null), {
      timeoutMs: 30_000,
      what: 'the woken worker to drop its task',
    });
    expect(woke.currentTask).toBeNull();
    expect(victim.process.running).toBe(true);
  }, 180_000);
});
