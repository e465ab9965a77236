import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { BaseEnv, loadEnv } from '@tusk/config';
import { jobRecordKey, psPushSubject, PUSH_HEADERS, type JobRecord, type PushReply } from '@tusk/contracts';
import { Infra } from '@tusk/infra';
import { bytesToFloat32, float32ToBytes } from '@tusk/model';
import { LocalCluster } from '../../scripts/cluster/local-cluster.js';
import type { LocalNats } from '../../scripts/local-services/index.js';
import { serviceEnv, suiteNats, testS3 } from '../harness/test-env.js';

function asyncJob(id: string, mode: 'asynchronous' | 'hogwild', maxStaleness: number | null = null): JobRecord {
  const now = new Date().toISOString();
  return {
    id, status: 'running', createdAt: now, updatedAt: now, round: 0, totalRounds: 1, params: 4, history: [], backends: [], modelReady: false,
    spec: {
      name: id, model: {}, compile: { optimizer: 'sgd', loss: 'mse', metrics: [] }, datasetId: 'none',
      training: { mode, epochs: 1, batchSize: 1, partitions: 1, localEpochs: 1, validationSplit: 0, seed: 1, async: { frequency: 'epoch', pushEvery: 1, maxStaleness, stalePolicy: 'reject' } },
    },
  };
}

describe('parameter server (2 replicas, real NATS and KV)', () => {
  let nats: LocalNats;
  let cluster: LocalCluster;
  let infra: Infra;
  let nc: NatsConnection;

  const push = async (jobId: string, delta: number[], baseVersion: number): Promise<PushReply> => {
    const h = headers();
    h.set(PUSH_HEADERS.baseVersion, String(baseVersion));
    h.set(PUSH_HEADERS.workerId, 'test');
    return (await nc.request(psPushSubject(jobId), float32ToBytes(Float32Array.from(delta)), { headers: h, timeout: 10_000 })).json<PushReply>();
  };
  const setUp = async (job: JobRecord, base: number[]) => {
    await infra.buckets.jobs.put(jobRecordKey(job.id), JSON.stringify(job));
    await infra.versions.init(job.id, float32ToBytes(Float32Array.from(base)));
  };

  beforeAll(async () => {
    nats = await suiteNats();
    const env = serviceEnv({ natsUrl: nats.url, s3: testS3() });
    infra = await Infra.connect({ name: 'ps-test', env: loadEnv(BaseEnv, env) });
    cluster = new LocalCluster({ dataDir: nats.storeDir, workers: 0, natsUrl: nats.url, s3Endpoint: env.S3_ENDPOINT, bucket: env.S3_BUCKET, driver: false, logSink: null, env });
    // Assigned before start(): afterAll stops it even if the start fails or times out half-way.
    await cluster.start();
    await cluster.addParameterServer();
    nc = await connect({ servers: nats.url });
  }, 120_000);

  afterAll(async () => {
    await nc?.close();
    await infra?.close();
    await cluster?.stop();
    await nats?.process.stop();
  });

  it('applies two concurrent asynchronous pushes exactly: version +2, weights = base + d1 + d2', async () => {
    await setUp(asyncJob('job-two', 'asynchronous'), [1, 2, 3, 4]);
    const [r1, r2] = await Promise.all([push('job-two', [0.5, 0, 0, 1], 0), push('job-two', [0.25, 1, -1, 0], 0)]);
    expect([r1.accepted, r2.accepted]).toEqual([true, true]);
    expect([r1.version, r2.version].sort()).toEqual([1, 2]);
    const live = await infra.versions.read('job-two');
    expect(live.version).toBe(2);
    expect(Array.from(bytesToFloat32(live.bytes))).toEqual([1.75, 3, 2, 5]);
    expect(live.stats).toMatchObject({ pushes: 2, version: 2 });
  });

  it('loses no push when 40 land at once on two replicas (compare-and-set on the KV head)', async () => {
    await setUp(asyncJob('job-many', 'asynchronous'), [0, 0, 0, 0]);
    const replies = await Promise.all(Array.from({ length: 40 }, (_, i) => push('job-many', [1, i, 0.5, -1], 0)));
    expect(replies.every((r) => r.accepted)).toBe(true);
    expect(new Set(replies.map((r) => r.version)).size).toBe(40);
    const live = await infra.versions.read('job-many');
    expect(live.version).toBe(40);
    expect(Array.from(bytesToFloat32(live.bytes))).toEqual([40, (39 * 40) / 2, 20, -40]);
  });

  it('rejects a delta staler than maxStaleness and counts it', async () => {
    await setUp(asyncJob('job-stale', 'asynchronous', 1), [0, 0, 0, 0]);
    expect((await push('job-stale', [1, 1, 1, 1], 0)).version).toBe(1);
    expect((await push('job-stale', [1, 1, 1, 1], 0)).version).toBe(2);
    const stale = await push('job-stale', [1, 1, 1, 1], 0);
    expect(stale).toMatchObject({ accepted: false, version: 2, staleness: 2 });
    const fresh = await push('job-stale', [1, 1, 1, 1], 2);
    expect(fresh).toMatchObject({ accepted: true, version: 3 });
    expect((await infra.versions.read('job-stale')).stats).toMatchObject({ pushes: 3, stale: 1, rejected: 1 });
  });

  it('applies hogwild pushes without a lock and persists every acknowledged one, even across replicas', async () => {
    await setUp(asyncJob('job-hog', 'hogwild'), [0, 0, 0, 0]);
    const replies = await Promise.all(Array.from({ length: 30 }, () => push('job-hog', [1, 2, 3, 4], 0)));
    expect(replies.every((r) => r.accepted)).toBe(true);
    const live = await infra.versions.read('job-hog');
    expect(live.version).toBe(30);
    expect(Array.from(bytesToFloat32(live.bytes))).toEqual([30, 60, 90, 120]);
  });

  it('refuses a NaN delta and a delta of the wrong size, and applies neither', async () => {
    await setUp(asyncJob('job-bad', 'asynchronous'), [0, 0, 0, 0]);
    expect((await push('job-bad', [NaN, 0, 0, 0], 0)).error).toBe('delta holds NaN or Infinity');
    expect((await push('job-bad', [1, 2], 0)).error).toBe('delta has 2 values, the model has 4');
    expect((await infra.versions.read('job-bad')).version).toBe(0);
  });
});
