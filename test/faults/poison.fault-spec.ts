import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { datasetPartKey, psPushSubject, resultSubject, taskSubject, type PushReply } from '@tusk/contracts';
import type { ObjectStore } from '@tusk/storage';
import type { LocalCluster } from '../../scripts/cluster/local-cluster.js';
import type { LocalNats } from '../../scripts/local-services/index.js';
import { startTestCluster, type TestCluster } from '../harness/test-cluster.js';
import { driverApi } from '../harness/driver-api.js';
import { suiteStore } from '../harness/test-env.js';

describe('poison: malformed messages and tasks that keep failing', () => {
  let nats: LocalNats;
  let cluster: LocalCluster;
  let tc: TestCluster;
  let nc: NatsConnection;
  let store: ObjectStore;

  beforeAll(async () => {
    tc = await startTestCluster({ workers: 1, env: { TUSK_TASK_MAX_ATTEMPTS: '3' } });
    ({ nats, cluster } = tc);
    nc = await connect({ servers: nats.url });
    store = suiteStore(tc.env);
  }, 120_000);

  afterAll(async () => {
    store?.destroy();
    await nc?.close();
    await tc?.stop();
  });

  it('logs and drops malformed messages on every subject; no service stops and training still works', async () => {
    const api = driverApi(cluster);
    const datasetId = await api.uploadBlobs({ rows: 300, partitions: 2 });
    const job = await api.submit(datasetId, { epochs: 3, batchSize: 16, partitions: 2, seed: 1 });
    const js = jetstream(nc);
    const enc = new TextEncoder();
    for (const junk of ['not json', '{"jobId":"../../etc"}', '[]', '{"kind":"train","round":-1}']) {
      await js.publish(taskSubject({ jobId: job.id, kind: 'train', round: 0, partition: 0 }), enc.encode(junk));
      await js.publish(resultSubject(job.id), enc.encode(junk));
      const reply = (await nc.request(psPushSubject('job-none'), enc.encode(junk), { timeout: 5_000 })).json<PushReply>();
      expect(reply.accepted).toBe(false);
      expect(reply.error).toBeTruthy();
    }
    const done = await api.finished(job.id, 90_000);
    expect(done.status).toBe('succeeded');
    expect(done.history).toHaveLength(3);
    for (const s of cluster.services) {
      expect(s.process.running).toBe(true);
      expect((await fetch(s.healthUrl)).status).toBe(200);
    }
  }, 120_000);

  it('retries a task that keeps failing up to the limit, then fails its job with the error', async () => {
    const api = driverApi(cluster);
    const datasetId = await api.uploadBlobs({ rows: 300, partitions: 1, seed: 3 });
    await store.deletePrefix(datasetPartKey(datasetId, 0));
    const job = await api.submit(datasetId, { epochs: 1, batchSize: 16, partitions: 1, seed: 1 });
    const done = await api.finished(job.id, 60_000);
    expect(done.status).toBe('failed');
    expect(done.error).toBe(`partition 0 failed in round 0: object ${datasetPartKey(datasetId, 0)} not found (after 3 attempt(s))`);
  }, 90_000);
});
