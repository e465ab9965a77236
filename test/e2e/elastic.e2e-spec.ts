import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobRecord, MembershipEvent } from '@tusk/contracts';
import { driverApi, refusalOf } from '../harness/driver-api.js';
import { startTestCluster, type TestCluster } from '../harness/test-cluster.js';

const TRAINING = { epochs: 16, batchSize: 8, partitions: 4, seed: 11 };

/**
 * Elastic training tested as Horovod tests its elastic mode: a schedule of workers added, removed and killed while
 * a synchronous job runs, asserting the membership and the round reached at each step. Partitions are fixed, so
 * whoever trains them, the job ends with the same weights as an undisturbed run.
 */
describe('elastic workers (minWorkers 2): added, removed, killed and waited for while a job runs', () => {
  let tc: TestCluster;
  let api: ReturnType<typeof driverApi>;
  let datasetId: string;

  beforeAll(async () => {
    // 1 s heartbeats: a killed worker counts as lost after about 3 s.
    tc = await startTestCluster({ workers: 2, env: { TUSK_HEARTBEAT_S: '1' } });
    api = driverApi(tc.cluster);
    datasetId = await api.uploadBlobs({ rows: 3000, partitions: 4, seed: 4 });
  }, 120_000);

  afterAll(async () => {
    await tc?.stop();
  });

  const changes = (job: JobRecord) => (job.membership ?? []).map((e) => `${e.change} ${e.workerId}`);
  const membershipEvents = async (jobId: string, what: string, predicate: (events: MembershipEvent[]) => boolean) => {
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(200)) {
      const job = await api.job(jobId);
      if (predicate(job.membership ?? [])) return job;
    }
    throw new Error(`timed out waiting for ${what}; membership: ${changes(await api.job(jobId)).join(', ')}`);
  };

  it('keeps training through the schedule, waits below minWorkers, and ends with the undisturbed weights', async () => {
    const job = await api.submit(datasetId, { ...TRAINING, minWorkers: 2, workerWaitSeconds: 120 });
    const streamed = api.collectJobEvents(job.id);

    // Step 1: both workers join at the start.
    const start = await membershipEvents(job.id, 'two members', (e) => e.at(-1)?.members.length === 2);
    expect(changes(start).sort()).toEqual(['joined worker-1', 'joined worker-2']);

    // Step 2: a third worker is added from round 2.
    await api.reachedRound(job.id, 2);
    const third = await tc.cluster.addWorker({ TUSK_HEARTBEAT_S: '1' });
    const joined = await membershipEvents(job.id, `${third.name} to join`, (e) => e.some((x) => x.workerId === third.name));
    const joinedAt = joined.membership!.find((e) => e.workerId === third.name)!;
    expect(joinedAt).toMatchObject({ change: 'joined', members: expect.arrayContaining(['worker-1', 'worker-2', third.name]) });
    expect(joinedAt.round).toBeGreaterThanOrEqual(2);

    // Step 3: it is removed cleanly (SIGTERM) from round 4: it `left`.
    await api.reachedRound(job.id, Math.max(4, joinedAt.round + 1));
    await third.stop();
    const left = await membershipEvents(job.id, `${third.name} to leave`, (e) => e.some((x) => x.change === 'left'));
    expect(left.membership!.at(-1)).toMatchObject({ change: 'left', workerId: third.name, members: ['worker-1', 'worker-2'] });
    expect(left.status).toBe('running');

    // Step 4: worker-2 is killed without warning: it is `lost`, one worker is left, below minWorkers: `waiting`.
    const victim = tc.cluster.workers().find((w) => w.name === 'worker-2')!;
    victim.stopSupervising();
    victim.process.kill('SIGKILL');
    const lost = await membershipEvents(job.id, 'worker-2 to be lost', (e) => e.some((x) => x.change === 'lost'));
    expect(lost.membership!.at(-1)).toMatchObject({ change: 'lost', workerId: 'worker-2', members: ['worker-1'] });
    const waiting = await api.reachedStatus(job.id, 'waiting');
    expect(waiting.waitingSince).toBeDefined();
    // While it waits, no new round starts: the one in flight may still finish on the last worker.
    await sleep(4_000);
    const stillWaiting = await api.job(job.id);
    expect(stillWaiting.status).toBe('waiting');
    expect(stillWaiting.round).toBeLessThanOrEqual(waiting.round + 1);
    expect(stillWaiting.round).toBeLessThan(stillWaiting.totalRounds);

    // Step 5: a worker comes back: the job goes on from where it waited and succeeds.
    const back = await tc.cluster.addWorker({ TUSK_HEARTBEAT_S: '1' });
    const done = await api.finished(job.id, 120_000);
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('succeeded');
    expect(done.waitingSince).toBeUndefined();
    expect(done.membership!.at(-1)).toMatchObject({ change: 'joined', workerId: back.name, members: ['worker-1', back.name] });
    expect(done.history).toHaveLength(TRAINING.epochs);
    for (const round of done.history) expect(round.workers.map((w) => w.partition).sort()).toEqual([0, 1, 2, 3]);

    // Every change from the stream's opening on also went out as an event, in order (the first joins may precede it).
    const events = await streamed;
    const streamedChanges = events.filter((e) => e.type === 'membership').map((e) => `${e.membership!.change} ${e.membership!.workerId}`);
    expect(streamedChanges.slice(-4)).toEqual([`joined ${third.name}`, `left ${third.name}`, 'lost worker-2', `joined ${back.name}`]);
    expect(changes(done).slice(-streamedChanges.length)).toEqual(streamedChanges);
    const statuses = events.filter((e) => e.type === 'status').map((e) => e.status);
    expect(statuses.slice(statuses.indexOf('waiting'))).toEqual(['waiting', 'running', 'succeeded']);

    // Membership changed who trained, never what was computed.
    const undisturbed = await api.finished((await api.submit(datasetId, TRAINING)).id, 120_000);
    expect(undisturbed.status).toBe('succeeded');
    expect(done.history.map((r) => r.weightsSha256)).toEqual(undisturbed.history.map((r) => r.weightsSha256));
  }, 240_000);

  it('lets at most maxWorkers workers train the job: the others leave its tasks alone', async () => {
    await tc.cluster.addWorker({ TUSK_HEARTBEAT_S: '1' });
    const live = (await api.workers()).map((w) => w.id);
    expect(live.length).toBeGreaterThanOrEqual(3);
    const done = await api.finished((await api.submit(datasetId, { ...TRAINING, epochs: 4, maxWorkers: 2 })).id, 120_000);
    expect(done.status).toBe('succeeded');
    const members = done.membership!.at(-1)!.members;
    expect(members).toHaveLength(2);
    const trainedBy = new Set(done.history.flatMap((r) => r.workers.map((w) => w.workerId)));
    expect([...trainedBy].sort()).toEqual([...members].sort());
    for (const round of done.history) expect(round.workers.map((w) => w.partition).sort()).toEqual([0, 1, 2, 3]);
  }, 150_000);

  it('fails a job that waits longer than workerWaitSeconds, naming the setting', async () => {
    const live = (await api.workers()).length;
    expect(live).toBeLessThan(4);
    const job = await api.submit(datasetId, { ...TRAINING, epochs: 2, minWorkers: 4, workerWaitSeconds: 2 });
    const failed = await api.finished(job.id, 60_000);
    expect(failed.status).toBe('failed');
    expect(failed.error).toBe(`waited 2 s (training.workerWaitSeconds) for training.minWorkers=4 worker(s); ${live} live`);
    expect(failed.round).toBe(0);
  }, 90_000);

  it('refuses elastic settings that cannot hold, with a 422 naming the field', async () => {
    const refusal = async (training: Record<string, unknown>) => {
      const { status, field } = await refusalOf(api.submit(datasetId, { ...TRAINING, ...training }));
      return { status, field };
    };
    expect(await refusal({ minWorkers: 3, maxWorkers: 2 })).toEqual({ status: 422, field: 'training.minWorkers' });
    expect(await refusal({ minWorkers: 5 })).toEqual({ status: 422, field: 'training.minWorkers' });
    expect(await refusal({ workerWaitSeconds: 10 })).toEqual({ status: 422, field: 'training.workerWaitSeconds' });
    expect(await refusal({ mode: 'asynchronous', minWorkers: 1 })).toEqual({ status: 422, field: 'training.minWorkers' });
    expect((await refusal({ maxWorkers: 0 })).status).toBe(400);
    expect((await api.jobs()).filter((j) => j.spec.training.minWorkers === 5)).toEqual([]);
  }, 30_000);
});
