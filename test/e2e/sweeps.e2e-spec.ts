import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { isFinalSweepStatus } from '@tusk/client';
import type { SweepRecord } from '@tusk/contracts';
import { driverApi } from '../harness/driver-api.js';
import { startTestCluster, type TestCluster } from '../harness/test-cluster.js';
import { eventually } from '../harness/test-env.js';
import { blobsModel } from './synthetic-data.js';

/** A sweep body over the blobs problem; `space` and the rest override the defaults. */
const sweepBody = (datasetId: string, extra: Record<string, unknown>) => ({
  name: 'blobs-sweep',
  baseJob: {
    model: blobsModel,
    compile: { optimizer: { className: 'adam', config: { learning_rate: 0.02 } }, loss: 'categorical_crossentropy', metrics: ['accuracy'] },
    datasetId,
    training: { epochs: 2, batchSize: 16, partitions: 2, seed: 1, validationSplit: 0.2 },
  },
  metric: 'val_accuracy',
  ...extra,
});

describe('hyperparameter sweeps over HTTP (driver, parameter server and 2 workers as processes)', () => {
  let tc: TestCluster;
  let api: ReturnType<typeof driverApi>;
  let datasetId: string;

  beforeAll(async () => {
    tc = await startTestCluster({ workers: 2 });
    api = driverApi(tc.cluster);
    datasetId = await api.uploadBlobs({ rows: 600, partitions: 2 });
  }, 120_000);

  afterAll(async () => {
    await tc?.stop();
  });

  const post = async (body: unknown) => {
    const res = await fetch(`${tc.cluster.driverUrl}/sweeps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  const sweep = (id: string) => api.sweep(id);
  const finished = (id: string, timeoutMs = 120_000) =>
    eventually(
      async () => {
        const s = await sweep(id).catch(() => null);
        return s && isFinalSweepStatus(s.status) ? s : null;
      },
      { timeoutMs, what: `sweep ${id} to end` },
    );

  it('refuses a sweep that cannot run, naming the field, and stores nothing', async () => {
    const refusals = [
      [{ space: { 'training.validationSplit': { type: 'uniform', min: 0.5, max: 0.1 } } }, 400, 'space.training.validationSplit'],
      [{ space: { 'optimizer.lr': { type: 'choice', values: [1] } } }, 400, 'space.optimizer.lr'],
      [
        { space: { 'training.validationSplit': { type: 'uniform', min: 0.1, max: 0.2 } }, sampler: { type: 'grid' } },
        400,
        'space.training.validationSplit',
      ],
      [
        { space: { 'training.batchSize': { type: 'choice', values: [8] } }, scheduler: { type: 'asha', gracePeriod: 1 } },
        400,
        'scheduler.maxRounds',
      ],
      [{ space: { 'training.batchSize': { type: 'choice', values: [8] } }, metric: 'val_f1' }, 422, 'metric'],
      [{ space: { 'training.batchSize': { type: 'choice', values: [16, 0] } } }, 422, 'space.training.batchSize'],
      [{ space: { 'model.units': { type: 'choice', values: [8] } } }, 422, 'space.model.units'],
      [
        { space: { 'training.mode': { type: 'choice', values: ['asynchronous'] } }, scheduler: { type: 'asha', maxRounds: 4 } },
        422,
        'scheduler',
      ],
    ] as const;
    for (const [extra, status, field] of refusals) {
      const res = await post(sweepBody(datasetId, extra));
      expect({ field, status: res.status, got: res.body.field ?? res.body.message }).toEqual({
        field,
        status,
        got: expect.stringContaining(field),
      });
    }
    expect(await api.sweeps()).toEqual([]);
    expect((await api.jobs()).length).toBe(0);
  });

  it('runs every point of a grid as an ordinary job, at most maxConcurrentTrials at a time, and ranks them', async () => {
    const created = await post(
      sweepBody(datasetId, {
        space: {
          'compile.optimizer.config.learning_rate': { type: 'choice', values: [0.05, 0.01] },
          'training.batchSize': { type: 'choice', values: [16, 32] },
        },
        maxConcurrentTrials: 2,
      }),
    );
    expect(created.status).toBe(201);
    const s = await finished(created.body.id);
    expect(s.status).toBe('succeeded');
    expect(s.trials.map((t) => [t.params['compile.optimizer.config.learning_rate'], t.params['training.batchSize']])).toEqual([
      [0.05, 16],
      [0.05, 32],
      [0.01, 16],
      [0.01, 32],
    ]);
    for (const t of s.trials) {
      expect(t).toMatchObject({ status: 'succeeded', roundsRun: 2 });
      const job = await api.job(t.jobId!);
      expect(job).toMatchObject({ sweepId: s.id, status: 'succeeded', spec: { training: { batchSize: t.params['training.batchSize'] } } });
      expect(job.spec.compile.optimizer).toEqual({
        className: 'adam',
        config: { learning_rate: t.params['compile.optimizer.config.learning_rate'] },
      });
      expect(t.best).toBe(Math.max(...job.history.map((r) => r.metrics.val_accuracy)));
    }
    // Active from creation to end: never more than 2 at once, and the first two did run side by side.
    const spans = await Promise.all(
      s.trials.map(async (t) => {
        const job = await api.job(t.jobId!);
        return [Date.parse(job.createdAt), Date.parse(job.finishedAt!)] as const;
      }),
    );
    const activeAt = (at: number) => spans.filter(([from, to]) => from <= at && at < to).length;
    expect(Math.max(...spans.map(([from]) => activeAt(from)))).toBeLessThanOrEqual(2);
    expect(activeAt(spans[1][0])).toBe(2);
    const best = Math.max(...s.trials.map((t) => t.best!));
    expect(s.trials[s.bestTrial!].best).toBe(best);
    // The best trial's model downloads like any job's.
    expect((await fetch(`${tc.cluster.driverUrl}/jobs/${s.trials[s.bestTrial!].jobId}/model/model.json`)).status).toBe(200);
  }, 180_000);

  it('draws random trials from the seed, and a cancel stops the running trial and starts no other', async () => {
    const body = (seed: number) =>
      sweepBody(datasetId, {
        space: {
          'compile.optimizer.config.learning_rate': { type: 'loguniform', min: 1e-3, max: 1e-1 },
          'training.batchSize': { type: 'int', min: 8, max: 64 },
        },
        sampler: { type: 'random', seed },
        maxTrials: 3,
        maxConcurrentTrials: 1,
        baseJob: {
          ...sweepBody(datasetId, {}).baseJob,
          training: { epochs: 200, batchSize: 16, partitions: 2, seed: 1, validationSplit: 0.2 },
        },
      });
    const a = (await post(body(7))).body as SweepRecord;
    const first = await eventually(
      async () => {
        const s = await sweep(a.id);
        return s.trials[0].status === 'running' ? s : null;
      },
      { timeoutMs: 60_000, what: 'the first trial to run' },
    );
    const cancelled = await api.cancelSweep(a.id);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.trials.map((t) => t.status)).toEqual(['cancelled', 'pending', 'pending']);
    expect((await api.job(first.trials[0].jobId!)).status).toBe('cancelled');

    const again = (await post(body(7))).body as SweepRecord;
    const other = (await post(body(8))).body as SweepRecord;
    for (const s of [again, other]) await api.cancelSweep(s.id);
    expect(again.trials.map((t) => t.params)).toEqual(a.trials.map((t) => t.params));
    expect(other.trials.map((t) => t.params)).not.toEqual(a.trials.map((t) => t.params));
    for (const t of a.trials) {
      expect(t.params['compile.optimizer.config.learning_rate']).toBeGreaterThanOrEqual(1e-3);
      expect(Number.isInteger(t.params['training.batchSize'])).toBe(true);
    }
    // Cancelled sweeps leave no job running.
    await eventually(async () => (await api.jobs()).every((j) => j.status !== 'running' && j.status !== 'queued'), {
      timeoutMs: 30_000,
      what: 'no running job',
    });
  }, 120_000);

  it('stops a trial that does badly at the first ASHA rung; it ends stopped, with the model it had', async () => {
    const created = await post(
      sweepBody(datasetId, {
        // The good learning rate runs first (one at a time), so the bad one meets its value at rung 1.
        space: { 'compile.optimizer.config.learning_rate': { type: 'choice', values: [0.05, 1e-7] } },
        maxConcurrentTrials: 1,
        scheduler: { type: 'asha', gracePeriod: 1, reductionFactor: 2, maxRounds: 4 },
      }),
    );
    expect(created.status).toBe(201);
    const s = await finished(created.body.id);
    expect(s.status).toBe('succeeded');
    const [good, bad] = s.trials;
    expect(good).toMatchObject({
      status: 'succeeded',
      roundsRun: 4,
      rungs: [
        { round: 1, decision: 'continue' },
        { round: 2, decision: 'continue' },
      ],
    });
    expect(bad).toMatchObject({ status: 'stopped', roundsRun: 1, rungs: [{ round: 1, decision: 'stop' }] });
    expect(bad.rungs[0].value).toBeLessThan(good.rungs[0].value);
    expect(s.bestTrial).toBe(0);
    const stopped = await api.job(bad.jobId!);
    expect(stopped).toMatchObject({ status: 'stopped', round: 1, totalRounds: 4, modelReady: true });
    expect(stopped.error).toBeUndefined();
  }, 180_000);

  it('goes on after a driver restart in the middle, with one job per trial', async () => {
    const created = await post(
      sweepBody(datasetId, {
        space: { 'training.batchSize': { type: 'choice', values: [8, 16, 32] } },
        maxConcurrentTrials: 1,
        baseJob: {
          ...sweepBody(datasetId, {}).baseJob,
          training: { epochs: 6, batchSize: 16, partitions: 2, seed: 1, validationSplit: 0.2 },
        },
      }),
    );
    const id = created.body.id as string;
    await eventually(
      async () => {
        const s = await sweep(id);
        return s.trials[1].roundsRun >= 1 ? s : null;
      },
      { timeoutMs: 120_000, what: 'the second trial to have a round' },
    );
    const driver = tc.cluster.services.find((s) => s.name === 'driver')!;
    driver.process.kill('SIGKILL');
    await driver.process.exited;
    await tc.cluster.startDriver();

    const s = await finished(id, 180_000);
    expect(s.status).toBe('succeeded');
    expect(s.trials.map((t) => [t.status, t.roundsRun])).toEqual([
      ['succeeded', 6],
      ['succeeded', 6],
      ['succeeded', 6],
    ]);
    const trialJobs = (await api.jobs()).filter((j) => j.sweepId === id);
    expect(trialJobs.map((j) => j.id).sort()).toEqual(s.trials.map((t) => t.jobId).sort());
  }, 300_000);
});
