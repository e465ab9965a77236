import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect } from '@nats-io/transport-node';
import { eventSubject, type JobEvent } from '@tusk/contracts';
import type { LocalCluster } from '../../scripts/cluster/local-cluster.js';
import type { LocalNats } from '../../scripts/local-services/index.js';
import { driverApi } from '../harness/driver-api.js';
import { startTestCluster, type TestCluster } from '../harness/test-cluster.js';

describe('a parameter server killed in the middle of an asynchronous job', () => {
  let nats: LocalNats;
  let cluster: LocalCluster;
  let tc: TestCluster;

  beforeAll(async () => {
    tc = await startTestCluster({ workers: 2 });
    ({ nats, cluster } = tc);
    await cluster.addParameterServer();
  }, 120_000);

  afterAll(async () => {
    await tc?.stop();
  });

  it('goes on with the other replica from KV: every push applied once, none lost', async () => {
    const api = driverApi(cluster);
    const datasetId = await api.uploadBlobs({ rows: 3000, partitions: 2, seed: 9 });
    const submitted = await api.submit(datasetId, {
      mode: 'asynchronous',
      epochs: 4,
      batchSize: 16,
      partitions: 2,
      frequency: 'batch',
      pushEvery: 2,
      seed: 5,
    });
    // Progress of the one long asynchronous round, as the CLI and the SSE endpoint see it.
    const nc = await connect({ servers: nats.url });
    const progress: number[] = [];
    const events = nc.subscribe(eventSubject(submitted.id), {
      callback: (_err, msg) => {
        const e = msg.json<JobEvent>();
        if (e.type === 'progress') progress.push(e.progress);
      },
    });
    const [first] = cluster.services.filter((s) => s.name.startsWith('parameter-server'));
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await api.job(submitted.id)).status).toBe('running');
    first.process.kill('SIGKILL');

    const done = await api.finished(submitted.id, 200_000);
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('succeeded');
    // 1500 rows a partition, 32 rows a step: 47 steps an epoch, 4 epochs, 2 partitions; each applied exactly once.
    expect(done.pushStats).toMatchObject({ pushes: 2 * 47 * 4, version: 2 * 47 * 4 });
    events.unsubscribe();
    await nc.close();
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p) => p > 0 && p < 1)).toBe(true);
  }, 240_000);
});
