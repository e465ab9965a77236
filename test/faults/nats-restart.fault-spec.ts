import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LocalCluster } from '../../scripts/cluster/local-cluster.js';
import { startNatsServer, type LocalNats } from '../../scripts/local-services/index.js';
import { serviceEnv, suiteNats, testS3 } from '../harness/test-env.js';
import { driverApi } from './fault-helpers.js';

describe('nats-server restarted (store kept) in the middle of a job', () => {
  let nats: LocalNats;
  let cluster: LocalCluster;

  beforeAll(async () => {
    nats = await suiteNats();
    const env = { ...serviceEnv({ natsUrl: nats.url, s3: testS3() }), TUSK_BACKEND: 'cpu', TUSK_TASK_ACK_WAIT_S: '5' };
    cluster = await new LocalCluster({ dataDir: nats.storeDir, workers: 2, natsUrl: nats.url, s3Endpoint: env.S3_ENDPOINT, bucket: env.S3_BUCKET, logSink: null, env }).start();
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
    await nats?.process.stop();
  });

  it('every service reconnects and the job succeeds', async () => {
    const api = driverApi(cluster);
    const datasetId = await api.uploadBlobs({ rows: 3000, partitions: 2 });
    const job = await api.submit(datasetId, { epochs: 6, batchSize: 8, partitions: 2, seed: 1 });
    await api.reachedRound(job.id, 2);
    await nats.process.stop();
    await new Promise((r) => setTimeout(r, 2_000));
    nats = await startNatsServer({ storeDir: nats.storeDir, port: nats.port });

    const done = await api.finished(job.id, 180_000);
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('succeeded');
    expect(done.history.map((r) => r.round)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const s of cluster.services) expect((await fetch(s.healthUrl)).status).toBe(200);
  }, 240_000);
});
