import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createWriteStream, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { JobWithProgress } from '@tusk/client';
import { TASKS_STREAM } from '@tusk/contracts';
import { connectNats, ensureStream } from '@tusk/messaging';
import type { LocalCluster } from '../../scripts/cluster/local-cluster.js';
import { driverApi, type TestDriverApi } from '../harness/driver-api.js';
import { LocalNatsCluster } from '../harness/nats-cluster.js';
import { eventually } from '../harness/test-env.js';
import { startServices } from '../harness/test-cluster.js';

/** Longest the job may make no progress around a node's death: election (a few seconds) plus client reconnects and retries. */
const MAX_BLOCKED_S = 25;
const ROWS = 2400;
const SYNC = { epochs: 8, batchSize: 16, partitions: 2, seed: 5 };
const ASYNC = { mode: 'asynchronous', epochs: 30, batchSize: 16, partitions: 2, frequency: 'batch', pushEvery: 5, seed: 2 };
// 1200 rows per partition, 80 rows a push: 15 pushes an epoch per partition.
const ASYNC_PUSHES = (ROWS / ASYNC.partitions / (ASYNC.batchSize * ASYNC.pushEvery)) * ASYNC.epochs * ASYNC.partitions;

/**
 * Polls the job until it ends, noting when its progress (`mark`: rounds done, pushes applied) last moved; the longest
 * time it stood still after `from` is how long the job was blocked.
 */
async function finishedWithLongestStall({
  api,
  jobId,
  mark,
  from,
}: {
  api: TestDriverApi;
  jobId: string;
  mark: (job: JobWithProgress) => number;
  from: () => number | undefined;
}): Promise<{ job: JobWithProgress; blockedS: number }> {
  const deadline = Date.now() + 100_000;
  let last = { value: -1, at: Date.now() };
  let longest = 0;
  for (;;) {
    const job = await api.job(jobId).catch(() => null);
    const now = Date.now();
    const since = from();
    if (job && mark(job) !== last.value) {
      if (since !== undefined) longest = Math.max(longest, now - Math.max(last.at, since));
      last = { value: mark(job), at: now };
    }
    if (job && ['succeeded', 'failed', 'cancelled'].includes(job.status)) return { job, blockedS: longest / 1000 };
    if (now > deadline) throw new Error(`job ${jobId} still ${job?.status ?? 'unknown'} after 100 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a 3-node NATS cluster (R3) loses a node in the middle of a job', () => {
  let nats: LocalNatsCluster;
  let cluster: LocalCluster;
  let api: TestDriverApi;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let datasetId: string;
  let undisturbed: string[];
  const blocked: Record<string, number> = {};

  /** Every stream has all three replicas current: a node can go again without losing quorum. */
  const fullyReplicated = () =>
    eventually(
      async () => {
        try {
          for await (const s of jsm.streams.list()) {
            const peers = s.cluster?.replicas ?? [];
            if (s.config.num_replicas !== 3 || peers.length !== 2 || !peers.every((p) => p.current && !p.offline)) return false;
          }
          return true;
        } catch {
          return false; // the JetStream API is unavailable while the meta group elects
        }
      },
      { timeoutMs: 60_000, what: 'every stream to have 3 current replicas' },
    );

  /** The node that leads the task stream; asked again while an election runs (the API answers errors or not at all). */
  const taskStreamLeader = (): Promise<string> =>
    eventually(async () => (await jsm.streams.info(TASKS_STREAM).catch(() => null))?.cluster?.leader, {
      timeoutMs: 30_000,
      what: 'a task stream leader',
    });

  /** Runs a job and kills `victim()` once it reached round/push `after`; the job's record and how long it stood still. */
  const runKilling = async ({
    training,
    after,
    mark,
    victim,
  }: {
    training: Record<string, unknown>;
    after: number;
    mark: (job: JobWithProgress) => number;
    victim: () => Promise<string>;
  }) => {
    const submitted = await api.submit(datasetId, training);
    const kill: { at?: number } = {};
    const watching = finishedWithLongestStall({ api, jobId: submitted.id, mark, from: () => kill.at });
    await eventually(async () => mark(await api.job(submitted.id)) >= after, { timeoutMs: 30_000, what: `progress ${after}` });
    const node = await victim();
    await nats.kill(node);
    kill.at = Date.now();
    const atKill = await api
      .job(submitted.id)
      .then(mark)
      .catch(() => after);
    try {
      const result = await watching;
      // The node died while the job still had work to do.
      expect(atKill).toBeLessThan(mark(result.job));
      return { ...result, node, leaderAfter: await victim() };
    } finally {
      await nats.restart(node);
    }
  };

  beforeAll(async () => {
    const root = mkdtempSync(join(process.env.TUSK_TEST_ROOT!, 'nats-cluster-'));
    nats = await LocalNatsCluster.start({ root });
    ({ cluster } = await startServices({
      natsUrl: nats.url,
      dataDir: root,
      workers: 2,
      env: {
        TUSK_NATS_REPLICAS: '3',
        // A task delivered by the dying node never reaches its worker and waits out the ack wait; it is longer than an
        // election (4-9 s), so a task in training, whose in-progress acks pause meanwhile, is not redelivered.
        TUSK_TASK_ACK_WAIT_S: '10',
        // A request in flight to a node that dies is answered by no one: it waits out this timeout before it is sent again.
        TUSK_REQUEST_TIMEOUT_MS: '5000',
        ...(process.env.TUSK_DEBUG_LOGS ? { LOG_LEVEL: 'log' } : {}),
      },
      logSink: process.env.TUSK_DEBUG_LOGS ? createWriteStream(process.env.TUSK_DEBUG_LOGS) : null,
    }));
    api = driverApi(cluster);
    nc = await connectNats({ url: nats.url, name: 'nats-cluster-test' });
    jsm = await jetstreamManager(nc);
    datasetId = await api.uploadBlobs({ rows: ROWS, partitions: 2, seed: 4 });
    const reference = await api.finished((await api.submit(datasetId, SYNC)).id, 60_000);
    expect(reference.status).toBe('succeeded');
    undisturbed = reference.history.map((r) => r.weightsSha256!);
    expect(undisturbed).toHaveLength(SYNC.epochs);
    expect(new Set(undisturbed).size).toBe(SYNC.epochs);
  }, 120_000);

  afterEach(async () => {
    await fullyReplicated();
  }, 60_000);

  afterAll(async () => {
    console.log(`blocked seconds: ${JSON.stringify(blocked)}`);
    await nc?.close();
    await cluster?.stop();
    await nats?.stop();
  });

  it('creates every stream and KV bucket with 3 replicas', async () => {
    const names: string[] = [];
    for await (const s of jsm.streams.list()) {
      expect(s.config.num_replicas).toBe(3);
      names.push(s.config.name);
    }
    expect(names.sort()).toEqual(['KV_tusk-jobs', 'KV_tusk-weights', 'KV_tusk-workers', 'TUSK_LOGS', 'TUSK_RESULTS', 'TUSK_TASKS']);
  });

  it('scales a stream made with 1 replica to TUSK_NATS_REPLICAS in place, messages kept', async () => {
    await ensureStream(jsm, { name: 'SCALE_TEST', subjects: ['scale.test'], num_replicas: 1 });
    await jetstream(nc).publish('scale.test', 'kept');
    await ensureStream(jsm, { name: 'SCALE_TEST', num_replicas: 3 });
    const info = await jsm.streams.info('SCALE_TEST');
    expect(info.config.num_replicas).toBe(3);
    expect(info.state.messages).toBe(1);
  });

  /** Kills `victim()` at round 2 of a synchronous job: it ends with the undisturbed weights, round by round, soon enough. */
  const syncSurvives = async (victim: () => Promise<string>): Promise<number> => {
    const { job, blockedS, node, leaderAfter } = await runKilling({ training: SYNC, after: 2, mark: (j) => j.round, victim });
    expect(job.error).toBeUndefined();
    expect(job.status).toBe('succeeded');
    expect(job.history.map((r) => r.weightsSha256)).toEqual(undisturbed);
    expect(leaderAfter).not.toBe(node);
    expect(blockedS).toBeLessThan(MAX_BLOCKED_S);
    return blockedS;
  };

  it('a synchronous job survives the death of the task stream leader: same weights, round by round', async () => {
    blocked.syncTaskLeader = await syncSurvives(taskStreamLeader);
  }, 120_000);

  it('an asynchronous job survives the death of the task stream leader: every push applied', async () => {
    const { job, blockedS } = await runKilling({
      training: ASYNC,
      after: 40,
      // The newest weights version in the live curve (written every 2 s while the job runs), pushStats once it ended.
      mark: (j) => Math.max(j.pushStats?.version ?? 0, ...(j.versions ?? []).map((v) => v.version)),
      victim: taskStreamLeader,
    });
    blocked.asyncTaskLeader = blockedS;
    expect(job.error).toBeUndefined();
    expect(job.status).toBe('succeeded');
    // Every step's push applied once (none lost, none twice, even when a task attempt started again and went on from
    // the ledger), each version one applied push, none refused.
    const { pushes, version, rejected } = job.pushStats!;
    expect(version).toBe(pushes);
    expect(rejected).toBe(0);
    expect(pushes).toBe(ASYNC_PUSHES);
    expect(blockedS).toBeLessThan(MAX_BLOCKED_S);
  }, 120_000);

  it('a synchronous job survives the death of the JetStream meta leader', async () => {
    blocked.syncMetaLeader = await syncSurvives(() => nats.metaLeader());
  }, 120_000);
});
