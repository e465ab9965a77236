import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BaseEnv, loadEnv } from '@tusk/config';
import { Infra } from '@tusk/infra';
import { pushStep } from '@tusk/contracts';
import { appliedTotal } from '../../apps/parameter-server/src/push/push-ledger.js';
import type { LocalCluster } from '../../scripts/cluster/local-cluster.js';
import type { ManagedProcess } from '../../scripts/local-services/index.js';
import { driverApi } from '../harness/driver-api.js';
import { startTestCluster, type TestCluster } from '../harness/test-cluster.js';

/** Workers' push timeout: the pause outlasts it several times, so every push sent meanwhile is sent again. */
const PUSH_TIMEOUT_MS = 2_000;
const PAUSE_MS = 8_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the only parameter server paused (SIGSTOP) in the middle of an asynchronous job', () => {
  let tc: TestCluster;
  let cluster: LocalCluster;
  let infra: Infra;
  let ps: ManagedProcess;

  beforeAll(async () => {
    tc = await startTestCluster({ workers: 0 });
    ({ cluster } = tc);
    await Promise.all([1, 2].map(() => cluster.addWorker({ TUSK_REQUEST_TIMEOUT_MS: String(PUSH_TIMEOUT_MS) })));
    ps = cluster.services.find((s) => s.name === 'parameter-server')!.process;
    infra = await Infra.connect({ name: 'ps-pause-test', env: loadEnv(BaseEnv, tc.env) });
  }, 120_000);

  afterAll(async () => {
    ps?.kill('SIGCONT');
    await infra?.close();
    await tc?.stop();
  });

  it('applies each of the 8 pushes exactly once although workers resent them after timeouts', async () => {
    const api = driverApi(cluster);
    const datasetId = await api.uploadBlobs({ rows: 6000, partitions: 2, seed: 11 });
    // 2 partitions x 4 epochs, one push an epoch, none rejected (no staleness bound): exactly 8 pushes.
    const job = await api.submit(datasetId, {
      mode: 'asynchronous',
      epochs: 4,
      batchSize: 16,
      partitions: 2,
      frequency: 'epoch',
      maxStaleness: null,
      seed: 4,
    });

    // Pause right after the first push landed: at least 7 are still to come, so workers push into the pause.
    const deadline = Date.now() + 60_000;
    while (((await infra.versions.head(job.id))?.version ?? 0) < 1) {
      if (Date.now() > deadline) throw new Error(`job ${job.id}: no push landed within 60 s`);
      await sleep(50);
    }
    ps.kill('SIGSTOP');
    const versionAtPause = (await infra.versions.head(job.id))!.version;
    await sleep(PAUSE_MS);
    ps.kill('SIGCONT');

    const done = await api.finished(job.id, 60_000);
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('succeeded');
    expect(versionAtPause).toBeLessThan(8);
    expect(done.pushStats).toMatchObject({ pushes: 8, version: 8, rejected: 0, busy: 0 });
    // The copies sent after timeouts were answered from the ledger, not applied again.
    expect(done.pushStats!.duplicates).toBeGreaterThanOrEqual(1);
    // One push stream per partition's task, each with 4 steps (the last one index 3, first try) all applied once.
    const head = await infra.versions.head(job.id);
    const last = pushStep({ index: 3, retry: 0 });
    expect(Object.values(head!.ledger ?? {}).map(({ step, applied }) => ({ step, applied }))).toEqual([
      { step: last, applied: 4 },
      { step: last, applied: 4 },
    ]);
    expect(appliedTotal(head!.ledger)).toBe(head!.version);
  }, 90_000);
});
