import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LocalCluster } from '../../scripts/cluster/local-cluster.js';
import type { LocalNats } from '../../scripts/local-services/index.js';
import { serviceEnv, suiteNats, testS3 } from '../harness/test-env.js';
import { driverApi } from './fault-helpers.js';

describe('the driver restarted in the middle of a job', () => {
  let nats: LocalNats;
  let cluster: LocalCluster;

  beforeAll(async () => {
    nats = await suiteNats();
    const env = { ...serviceEnv({ natsUrl: nats.url, s3: testS3() }), TUSK_BACKEND: 'cpu' };
    cluster = await new LocalCluster({ dataDir: nats.storeDir, workers: 2, natsUrl: nats.url, s3Endpoint: env.S3_ENDPOINT, bucket: env.S3_BUCKET, logSink: null, env }).start();
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
    await nats?.process.stop();
  });

  it('resumes from its last completed round and succeeds, each round counted once', async () => {
    const api = driverApi(cluster);
    const datasetId = await api.uploadBlobs({ rows: 3000, partitions: 2 });
    const job = await api.submit(datasetId, { epochs: 6, batchSize: 8, partitions: 2, seed: 1 });
    await api.reachedRound(job.id, 2);
    const driver = cluster.services.find((s) => s.name === 'driver')!;
    driver.process.kill('SIGKILL');
    await driver.process.exited;
    await cluster.startDriver();

    const done = await api.finished(job.id, 180_000);
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('succeeded');
    expect(done.history.map((r) => r.round)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const round of done.history) {
      expect(round.workers.map((w) => w.partition).sort()).toEqual([0, 1]);
      expect(round.samples).toBe(3000);
    }
    const model = await fetch(`${cluster.driverUrl}/jobs/${job.id}/model/model.json`);
    expect(model.status).toBe(200);
  }, 240_000);
});
