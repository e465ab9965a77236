import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { JobRecord } from '@tusk/contracts';
import { driverApi, type TestDriverApi } from '../harness/driver-api.js';
import { parsePrometheusText, valueOf } from '../harness/prometheus-text.js';
import { eventually } from '../harness/test-env.js';
import { startTestCluster, type TestCluster } from '../harness/test-cluster.js';

const LOCALITY_WAIT_MS = 3_000;

/** Who trained each partition, round by round: `holders[round][partition]`. */
const holders = (job: JobRecord): string[][] =>
  job.history.map((round) => [...round.workers].sort((a, b) => a.partition - b.partition).map((w) => w.workerId));

describe('partition affinity', () => {
  let tc: TestCluster;
  let api: TestDriverApi;
  let datasetId: string;

  const handedBack = async (): Promise<number> => valueOf(parsePrometheusText(await api.metrics()), 'tusk_tasks_handed_back_total');

  beforeAll(async () => {
    tc = await startTestCluster({ workers: 2, env: { TUSK_LOCALITY_WAIT_MS: String(LOCALITY_WAIT_MS) } });
    api = driverApi(tc.cluster);
    datasetId = await api.uploadBlobs({ rows: 4000, partitions: 2, seed: 4 });
    await eventually(async () => (await api.workers()).length === 2, { timeoutMs: 60_000, what: 'both workers to beat' });
  }, 120_000);

  afterAll(async () => {
    await tc?.stop();
  });

  it('keeps each partition on the worker that holds it, round after round (no moves, nothing handed back)', async () => {
    const submitted = await api.submit(datasetId, { epochs: 5, localEpochs: 1, batchSize: 16, partitions: 2, seed: 3 });
    const job = await api.finished(submitted.id, 180_000);
    expect(job.status).toBe('succeeded');
    const byRound = holders(job);
    expect(byRound).toHaveLength(5);
    expect(new Set(byRound[0]).size).toBe(2);
    for (const round of byRound) expect(round).toEqual(byRound[0]);
    expect(await handedBack()).toBe(0);
    const beats = await api.workers();
    for (const [partition, workerId] of byRound[0].entries())
      expect(beats.find((w) => w.id === workerId)?.cachedPartitions).toContain(`${datasetId}/${partition}of2`);
  }, 240_000);

  /**
   * Trains a job, stops the worker that held partition 0 with `signal` (its heartbeat still looks fresh, so the driver
   * addresses partition 0 to it), and checks that the other worker trained it once the locality wait was over.
   */
  const takenOverAfterTheWait = async (signal: 'SIGKILL' | 'SIGSTOP', seed: number): Promise<void> => {
    const warmUp = await api.finished(
      (await api.submit(datasetId, { epochs: 1, localEpochs: 1, batchSize: 16, partitions: 2, seed })).id,
      120_000,
    );
    const [victimId, survivorId] = holders(warmUp)[0];
    const before = await handedBack();
    const victim = tc.cluster.workers().find((w) => w.name === victimId)!;
    victim.process.kill(signal);
    try {
      const submitted = await api.submit(datasetId, { epochs: 1, localEpochs: 1, batchSize: 16, partitions: 2, seed: seed + 1 });
      const job = await api.finished(submitted.id, 120_000);
      expect(job.status).toBe('succeeded');
      expect(holders(job)[0]).toEqual([survivorId, survivorId]);
      expect(await handedBack()).toBe(before + 1);

      const lines = await api.jobLogs(job.id, { level: 'warn' });
      const handBack = lines.find((l) => l.service === 'driver' && /not started by .* handed back/.test(l.message));
      expect(handBack?.message).toContain(victimId);
      // Published after the job started, handed back no sooner than the wait and not much later.
      const waitedMs = Date.parse(handBack!.at) - Date.parse(job.startedAt!);
      expect(waitedMs).toBeGreaterThanOrEqual(LOCALITY_WAIT_MS);
      expect(waitedMs).toBeLessThan(LOCALITY_WAIT_MS + 2_000);
    } finally {
      if (signal === 'SIGSTOP') victim.process.kill('SIGCONT');
    }
  };

  it('hands a task whose holder is paused (busy: it takes nothing) to the other worker once the locality wait is over', async () => {
    await takenOverAfterTheWait('SIGSTOP', 5);
  }, 240_000);

  it('hands a task whose holder was killed to the other worker once the locality wait is over', async () => {
    await takenOverAfterTheWait('SIGKILL', 7);
  }, 240_000);
});
