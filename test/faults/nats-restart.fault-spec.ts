import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LocalCluster } from '../../scripts/cluster/local-cluster.js';
import { startNatsServer, type LocalNats } from '../../scripts/local-services/index.js';
import { startTestCluster, type TestCluster } from '../harness/test-cluster.js';
import { driverApi } from '../harness/driver-api.js';

describe('nats-server restarted (store kept) in the middle of a job', () => {
  let nats: LocalNats;
  let cluster: LocalCluster;
  let tc: TestCluster;

  beforeAll(async () => {
    tc = await startTestCluster({ workers: 2, env: { TUSK_TASK_ACK_WAIT_S: '5' } });
    ({ nats, cluster } = tc);
  }, 120_000);

  afterAll(async () => {
    await tc?.stop();
  });

  it('every service reconnects and the job succeeds', async () => {
    const api = driverApi(cluster);
    const datasetId = await api.uploadBlobs({ rows: 3000, partitions: 2 });
    const job = await api.submit(datasetId, { epochs: 6, batchSize: 8, partitions: 2, seed: 1 });
    await api.reachedRound(job.id, 2);
    await nats.process.stop();
    await new Promise((r) => setTimeout(r, 2_000));
    nats = await startNatsServer({ storeDir: nats.storeDir, port: nats.port });
    tc.nats = nats;

    const done = await api.finished(job.id, 180_000);
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('succeeded');
    expect(done.history.map((r) => r.round)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const s of cluster.services) expect((await fetch(s.healthUrl)).status).toBe(200);
  }, 240_000);
});
