import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { BaseEnv, loadEnv } from '@tusk/config';
import { jobRecordKey, psPushSubject, pushStreamKey, PUSH_HEADERS, type JobRecord, type PushReply } from '@tusk/contracts';
import { Infra } from '@tusk/infra';
import { bytesToFloat32, float32ToBytes } from '@tusk/model';
import { AsynchronousWeights } from '../../apps/parameter-server/src/push/asynchronous-weights.js';
import { HogwildWeights } from '../../apps/parameter-server/src/push/hogwild-weights.js';
import { appliedTotal } from '../../apps/parameter-server/src/push/push-ledger.js';
import { ParameterServerClient } from '../../apps/worker/src/training/ps-client.js';
import { LocalCluster } from '../../scripts/cluster/local-cluster.js';
import type { LocalNats } from '../../scripts/local-services/index.js';
import { startTestCluster, type TestCluster } from '../harness/test-cluster.js';
import { serviceEnv, suiteNats, testS3 } from '../harness/test-env.js';

function asyncJob(id: string, mode: 'asynchronous' | 'hogwild', maxStaleness: number | null = null): JobRecord {
  const now = new Date().toISOString();
  return {
    id,
    status: 'running',
    createdAt: now,
    updatedAt: now,
    round: 0,
    totalRounds: 1,
    params: 4,
    history: [],
    backends: [],
    modelReady: false,
    spec: {
      name: id,
      model: {},
      compile: { optimizer: 'sgd', loss: 'mse', metrics: [] },
      datasetId: 'none',
      training: {
        mode,
        epochs: 1,
        batchSize: 1,
        partitions: 1,
        localEpochs: 1,
        validationSplit: 0,
        seed: 1,
        async: { frequency: 'epoch', pushEvery: 1, maxStaleness, stalePolicy: 'reject' },
      },
    },
  };
}

interface PushId {
  partition: number;
  task: string;
  attempt: string;
  step: number;
}

let attempts = 0;
/** The first push of a task of its own. */
const freshId = (): PushId => ({ partition: 0, task: `${++attempts}-0`, attempt: `${attempts}-1`, step: 0 });

/** Sends one push with its id headers, as a worker does. */
async function sendPush({
  nc,
  jobId,
  delta,
  baseVersion,
  id = freshId(),
}: {
  nc: NatsConnection;
  jobId: string;
  delta: number[];
  baseVersion: number;
  id?: PushId;
}): Promise<PushReply> {
  const h = headers();
  h.set(PUSH_HEADERS.baseVersion, String(baseVersion));
  h.set(PUSH_HEADERS.workerId, 'test');
  h.set(PUSH_HEADERS.partition, String(id.partition));
  h.set(PUSH_HEADERS.attempt, id.attempt);
  h.set(PUSH_HEADERS.task, id.task);
  h.set(PUSH_HEADERS.step, String(id.step));
  return (
    await nc.request(psPushSubject(jobId), float32ToBytes(Float32Array.from(delta)), { headers: h, timeout: 10_000 })
  ).json<PushReply>();
}

async function setUpJob({ infra, job, base }: { infra: Infra; job: JobRecord; base: number[] }): Promise<void> {
  await infra.buckets.jobs.put(jobRecordKey(job.id), JSON.stringify(job));
  await infra.versions.init(job.id, float32ToBytes(Float32Array.from(base)));
}

/** Two parameter-server replicas of one job in this process, over the same KV, loaded from its current head. */
async function twoReplicas({
  infra,
  jobId,
  mode,
  discarded,
}: {
  infra: Infra;
  jobId: string;
  mode: 'asynchronous' | 'hogwild';
  discarded: unknown[];
}) {
  const replica = async () => {
    const options = {
      jobId,
      spec: asyncJob(jobId, mode).spec.training.async!,
      versions: infra.versions,
      maxQueue: 64,
      onDiscard: (err: unknown) => discarded.push(err),
    };
    const state = await infra.versions.read(jobId);
    return mode === 'hogwild' ? new HogwildWeights(options, state) : new AsynchronousWeights(options, state);
  };
  return [await replica(), await replica()];
}

describe('parameter server (2 replicas, real NATS and KV)', () => {
  let nats: LocalNats;
  let cluster: LocalCluster;
  let infra: Infra;
  let nc: NatsConnection;

  const push = (jobId: string, delta: number[], baseVersion: number, id?: PushId): Promise<PushReply> =>
    sendPush({ nc, jobId, delta, baseVersion, id });
  const setUp = (job: JobRecord, base: number[]) => setUpJob({ infra, job, base });

  beforeAll(async () => {
    nats = await suiteNats();
    const env = serviceEnv({ natsUrl: nats.url, s3: testS3() });
    infra = await Infra.connect({ name: 'ps-test', env: loadEnv(BaseEnv, env) });
    cluster = new LocalCluster({
      dataDir: nats.storeDir,
      workers: 0,
      natsUrl: nats.url,
      s3Endpoint: env.S3_ENDPOINT,
      bucket: env.S3_BUCKET,
      driver: false,
      logSink: null,
      env,
    });
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
    expect(appliedTotal(live.ledger)).toBe(40);
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
    expect(new Set(replies.map((r) => r.version)).size).toBe(30);
    expect(appliedTotal(live.ledger)).toBe(30);
  });

  it('refuses a NaN delta and a delta of the wrong size, and applies neither', async () => {
    await setUp(asyncJob('job-bad', 'asynchronous'), [0, 0, 0, 0]);
    expect((await push('job-bad', [NaN, 0, 0, 0], 0)).error).toBe('delta holds NaN or Infinity');
    expect((await push('job-bad', [1, 2], 0)).error).toBe('delta has 2 values, the model has 4');
    expect((await infra.versions.read('job-bad')).version).toBe(0);
  });

  it('takes no push once the driver closed the head, in either mode, even on a replica that holds the job in memory', async () => {
    for (const mode of ['asynchronous', 'hogwild'] as const) {
      const id = `job-closed-${mode}`;
      await setUp(asyncJob(id, mode), [0, 0, 0, 0]);
      // Both replicas learn the job before it closes.
      await Promise.all([push(id, [1, 1, 1, 1], 0), push(id, [1, 1, 1, 1], 0)]);
      const closed = await infra.versions.close(id);
      expect(closed).toMatchObject({ version: 2, closed: true });
      expect((await infra.versions.close(id)).revision).toBe(closed.revision);
      const late = await Promise.all([push(id, [5, 5, 5, 5], 2), push(id, [5, 5, 5, 5], 2)]);
      for (const reply of late)
        expect(reply).toMatchObject({
          accepted: false,
          error: `job ${id} has finished training: its weights are final and take no more pushes`,
        });
      const after = await infra.versions.read(id);
      expect(after).toMatchObject({ version: 2, closed: true, revision: closed.revision });
      expect(Array.from(bytesToFloat32(after.bytes))).toEqual([2, 2, 2, 2]);
    }
  });

  it('refuses a push without an id, naming the missing header, and applies nothing', async () => {
    await setUp(asyncJob('job-noid', 'asynchronous'), [0, 0, 0, 0]);
    const h = headers();
    h.set(PUSH_HEADERS.baseVersion, '0');
    const reply = (
      await nc.request(psPushSubject('job-noid'), float32ToBytes(Float32Array.from([1, 1, 1, 1])), { headers: h, timeout: 10_000 })
    ).json<PushReply>();
    expect(reply).toEqual({
      accepted: false,
      version: -1,
      staleness: 0,
      scale: 0,
      error: 'header Tusk-Partition must be a partition number, got ""',
    });
    expect((await infra.versions.read('job-noid')).version).toBe(0);
  });

  it('answers a push sent again with its original reply, marked duplicate, and applies it once', async () => {
    await setUp(asyncJob('job-again', 'asynchronous'), [0, 0, 0, 0]);
    const id = { partition: 1, task: '7-0', attempt: '7-1', step: 0 };
    const first = await push('job-again', [1, 2, 3, 4], 0, id);
    expect(first).toEqual({ accepted: true, version: 1, staleness: 0, scale: 1 });
    expect(await push('job-again', [1, 2, 3, 4], 0, id)).toEqual({ ...first, duplicate: true });
    expect(await push('job-again', [1, 2, 3, 4], 1, { ...id, step: 1 })).toEqual({ accepted: true, version: 2, staleness: 0, scale: 1 });
    // A late copy of an older step is not applied. A replica whose ledger still ends at that step answers
    // with its original reply; once the ledger moved on, the reply is gone (nobody waits for it any more).
    const late = await push('job-again', [1, 2, 3, 4], 0, id);
    expect([
      { ...first, duplicate: true },
      { accepted: false, version: 2, staleness: 0, scale: 0, duplicate: true },
    ]).toContainEqual(late);
    const live = await infra.versions.read('job-again');
    expect(live.version).toBe(2);
    expect(Array.from(bytesToFloat32(live.bytes))).toEqual([2, 4, 6, 8]);
    expect(live.ledger).toEqual({
      [pushStreamKey(id)]: { step: 1, applied: 2, reply: { accepted: true, version: 2, staleness: 0, scale: 1 } },
    });
    expect(appliedTotal(live.ledger)).toBe(live.version);
    expect(live.stats).toMatchObject({ pushes: 2, duplicates: 2, version: 2 });
  });

  it.each(['asynchronous', 'hogwild'] as const)(
    'applies one push id sent 16 times at once across both replicas once (%s)',
    async (mode) => {
      const jobId = `job-copies-${mode}`;
      await setUp(asyncJob(jobId, mode), [0, 0, 0, 0]);
      await push(jobId, [0, 0, 0, 1], 0); // both replicas may now hold the job in memory
      await push(jobId, [0, 0, 0, 1], 0);
      const id = { partition: 3, task: '40-0', attempt: '40-2', step: 5 };
      const replies = await Promise.all(Array.from({ length: 16 }, () => push(jobId, [1, 1, 1, 0], 2, id)));
      const originals = replies.filter((r) => !r.duplicate);
      expect(originals).toHaveLength(1);
      expect(originals[0]).toMatchObject({ accepted: true, version: 3 });
      for (const r of replies) expect(r).toEqual({ ...originals[0], duplicate: r.duplicate });
      const live = await infra.versions.read(jobId);
      expect(live.version).toBe(3);
      expect(Array.from(bytesToFloat32(live.bytes))).toEqual([1, 1, 1, 2]);
      expect(live.ledger?.[pushStreamKey(id)]).toEqual({ step: 5, applied: 1, reply: originals[0] });
      expect(appliedTotal(live.ledger)).toBe(3);
      expect(live.stats).toMatchObject({ pushes: 3, duplicates: 15 });
    },
  );

  it.each(['asynchronous', 'hogwild'] as const)(
    "answers from the other replica's ledger a copy it applied while this replica had a conflict to merge (%s)",
    async (mode) => {
      const jobId = `job-merge-${mode}`;
      await setUp(asyncJob(jobId, mode), [0, 0, 0, 0]);
      const discarded: unknown[] = [];
      // Two replicas in this process over the same KV, both loaded at version 0.
      const [a, b] = await twoReplicas({ infra, jobId, mode, discarded });
      const input = (id: PushId, delta: number[]) => ({
        ...id,
        stream: pushStreamKey(id),
        baseVersion: 0,
        load: async () => Float32Array.from(delta),
      });
      const x = { partition: 0, task: '11-0', attempt: '11-1', step: 0 };
      const z = { partition: 1, task: '12-0', attempt: '12-1', step: 0 };
      const fromA = await a.push(input(x, [1, 0, 0, 0]));
      expect(fromA).toEqual({ accepted: true, version: 1, staleness: 0, scale: 1 });
      // B still holds version 0: its write conflicts, and the reload shows x applied by A.
      const [zFromB, xFromB] = await Promise.all([b.push(input(z, [0, 1, 0, 0])), b.push(input(x, [1, 0, 0, 0]))]);
      expect(xFromB).toEqual({ ...fromA, duplicate: true });
      expect(zFromB).toMatchObject({ accepted: true, version: 2 });
      const live = await infra.versions.read(jobId);
      expect(live.version).toBe(2);
      expect(Array.from(bytesToFloat32(live.bytes))).toEqual([1, 1, 0, 0]);
      expect(live.ledger).toEqual({
        [pushStreamKey(x)]: { step: 0, applied: 1, reply: fromA },
        [pushStreamKey(z)]: { step: 0, applied: 1, reply: { accepted: true, version: 2, staleness: zFromB.staleness, scale: 1 } },
      });
      expect(live.stats).toMatchObject({ pushes: 2, duplicates: 1, version: 2 });
      expect(discarded).toEqual([]);
    },
  );

  it.each(['asynchronous', 'hogwild'] as const)(
    'never applies a late copy of a step whose next step is already in flight on this replica (%s)',
    async (mode) => {
      const jobId = `job-late-${mode}`;
      await setUp(asyncJob(jobId, mode), [0, 0, 0, 0]);
      const discarded: unknown[] = [];
      // Two replicas in this process over the same KV, both loaded at version 0.
      const [a, b] = await twoReplicas({ infra, jobId, mode, discarded });
      const input = (step: number, delta: number[]) => ({
        partition: 2,
        task: '30-0',
        attempt: '30-1',
        step,
        stream: '2/30-0',
        baseVersion: 0,
        load: async () => Float32Array.from(delta),
      });
      // Step 0 answered by B; the worker sends step 1 to A, and a late copy of step 0 reaches A too.
      expect(await b.push(input(0, [1, 0, 0, 0]))).toMatchObject({ accepted: true, version: 1 });
      const [step1, lateStep0] = await Promise.all([a.push(input(1, [0, 1, 0, 0])), a.push(input(0, [1, 0, 0, 0]))]);
      expect(step1).toMatchObject({ accepted: true, version: 2 });
      expect(lateStep0).toEqual({ accepted: false, version: expect.any(Number), staleness: 0, scale: 0, duplicate: true });
      const live = await infra.versions.read(jobId);
      expect(live.version).toBe(2);
      expect(Array.from(bytesToFloat32(live.bytes))).toEqual([1, 1, 0, 0]);
      expect(live.ledger?.['2/30-0']).toMatchObject({ step: 1, applied: 2 });
      expect(discarded).toEqual([]);
    },
  );
});

describe('parameter server with a small push queue (TUSK_PS_MAX_QUEUE=4)', () => {
  let tc: TestCluster;
  let infra: Infra;
  let nc: NatsConnection;

  beforeAll(async () => {
    tc = await startTestCluster({ workers: 0, driver: false, env: { TUSK_PS_MAX_QUEUE: '4' } });
    infra = await Infra.connect({ name: 'ps-queue-test', env: loadEnv(BaseEnv, tc.env) });
    nc = await connect({ servers: tc.nats.url });
  }, 120_000);

  afterAll(async () => {
    await nc?.close();
    await infra?.close();
    await tc?.stop();
  });

  it.each(['asynchronous', 'hogwild'] as const)(
    'answers a burst past the queue with "busy", applies none of those, and applies each once when sent again (%s)',
    async (mode) => {
      const jobId = `job-burst-${mode}`;
      await setUpJob({ infra, job: asyncJob(jobId, mode), base: [0, 0, 0, 0] });
      const ids = Array.from({ length: 24 }, (_, i) => ({ partition: i, task: '0-0', attempt: '9-1', step: 0 }));
      const burst = await Promise.all(ids.map((id) => sendPush({ nc, jobId, delta: [1, 0, 0, 0], baseVersion: 0, id })));
      const busy = ids.filter((_, i) => burst[i].busy);
      expect(busy.length).toBeGreaterThan(0);
      for (const r of burst.filter((x) => x.busy))
        expect(r).toEqual({ accepted: false, busy: true, version: expect.any(Number), staleness: 0, scale: 0 });
      expect(burst.filter((x) => !x.busy).every((x) => x.accepted && !x.duplicate)).toBe(true);
      const afterBurst = await infra.versions.read(jobId);
      expect(afterBurst.version).toBe(24 - busy.length);
      for (const id of busy) expect(afterBurst.ledger?.[pushStreamKey(id)]).toBeUndefined();

      // Sent again one at a time, as workers do after backing off: each applied once.
      for (const id of busy)
        expect(await sendPush({ nc, jobId, delta: [1, 0, 0, 0], baseVersion: 0, id })).toMatchObject({ accepted: true });
      const again = await Promise.all(ids.slice(0, 4).map((id) => sendPush({ nc, jobId, delta: [1, 0, 0, 0], baseVersion: 0, id })));
      expect(again.every((r) => r.duplicate && r.accepted)).toBe(true);
      const live = await infra.versions.read(jobId);
      expect(live.version).toBe(24);
      expect(Array.from(bytesToFloat32(live.bytes))).toEqual([24, 0, 0, 0]);
      expect(appliedTotal(live.ledger)).toBe(24);
      expect(live.stats).toMatchObject({ pushes: 24, busy: busy.length, duplicates: 4, version: 24 });
    },
  );

  it('has workers back off on "busy" and send the same push again until it is applied once', async () => {
    const jobId = 'job-busy-clients';
    await setUpJob({ infra, job: asyncJob(jobId, 'asynchronous'), base: [0, 0, 0, 0] });
    // 16 task attempts pushing at once into a queue of 4, as the worker's client does it.
    const clients = Array.from(
      { length: 16 },
      (_, p) =>
        new ParameterServerClient({ infra, jobId, partition: p, task: '0-0', attempt: `${p + 1}-1`, workerId: `w${p}`, timeoutMs: 10_000 }),
    );
    const replies = await Promise.all(clients.map((c) => c.push({ delta: Float32Array.from([1, 0, 0, 0]), baseVersion: 0, step: 0 })));
    expect(replies.every((r) => r.accepted && !r.busy && !r.duplicate)).toBe(true);
    const live = await infra.versions.read(jobId);
    expect(live.version).toBe(16);
    expect(Array.from(bytesToFloat32(live.bytes))).toEqual([16, 0, 0, 0]);
    expect(Object.values(live.ledger ?? {}).map((e) => e.applied)).toEqual(Array(16).fill(1));
    expect(live.stats?.busy).toBeGreaterThan(0);
  });
});
