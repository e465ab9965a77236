import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LocalCluster } from '../../scripts/cluster/local-cluster.js';
import { startTestCluster, type TestCluster } from '../harness/test-cluster.js';
import { driverApi } from '../harness/driver-api.js';

describe('the driver restarted in the middle of a job', () => {
  let cluster: LocalCluster;
  let tc: TestCluster;

  beforeAll(async () => {
    tc = await startTestCluster({ workers: 2 });
    ({ cluster } = tc);
  }, 120_000);

  afterAll(async () => {
    await tc?.stop();
  });

  it('resumes from its last completed round and succeeds, each round counted once, with the weights of a run not interrupted', async () => {
    const api = driverApi(cluster);
    const datasetId = await api.uploadBlobs({ rows: 3000, partitions: 2 });
    // Server momentum's velocity and the warmup's rate must carry over the restart from the store.
    const training = { epochs: 6, batchSize: 8, partitions: 2, seed: 1, serverMomentum: 0.5, lrScaling: 'sqrt', warmupEpochs: 2 };
    const job = await api.submit(datasetId, training);
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

    const uninterrupted = await api.finished((await api.submit(datasetId, training)).id, 180_000);
    expect(done.history.map((r) => r.weightsSha256)).toEqual(uninterrupted.history.map((r) => r.weightsSha256));
  }, 240_000);
});
