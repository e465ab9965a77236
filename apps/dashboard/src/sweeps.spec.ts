import { describe, expect, it } from '@jest/globals';
import type { RoundRecord, SweepRecord, TrialRecord } from '@tusk/contracts';
import { bestTrialOf, paramLabels, paramText, rankTrials, sweepCurves, trialsDone, trialsToFetch, trialsTotal } from './sweeps.js';

const trial = (index: number, extra: Partial<TrialRecord> = {}): TrialRecord => ({
  index,
  params: { 'training.batchSize': 16 },
  status: 'running',
  roundsRun: 0,
  rungs: [],
  ...extra,
});
const rounds = (values: Record<string, number>[]): RoundRecord[] =>
  values.map((metrics, i) => ({ round: i + 1, epoch: i + 1, metrics, samples: 1, seconds: 1, samplesPerSecond: 1, workers: [] }));
const sweepOf = (trials: TrialRecord[], extra: Partial<SweepRecord> = {}) =>
  ({
    id: 'sweep-1',
    status: 'running',
    trials,
    spec: { maxTrials: 4, metric: 'val_accuracy', mode: 'max' },
    createdAt: '',
    updatedAt: '',
    ...extra,
  }) as unknown as SweepRecord;

describe('dashboard: the sweep leaderboard', () => {
  const trials = [trial(0, { best: 0.7 }), trial(1), trial(2, { best: 0.9 }), trial(3, { best: 0.7 })];

  it('ranks the best metric first by the mode; ties and trials without a metric by index', () => {
    expect(rankTrials(trials, 'max').map((t) => t.index)).toEqual([2, 0, 3, 1]);
    expect(rankTrials(trials, 'min').map((t) => t.index)).toEqual([0, 3, 2, 1]);
    expect(rankTrials([trial(0, { best: NaN }), trial(1, { best: 0.1 })], 'min').map((t) => t.index)).toEqual([1, 0]);
  });

  it('counts the trials done (stopped ones too) of all the planned ones', () => {
    const done = [
      trial(0, { status: 'stopped' }),
      trial(1, { status: 'succeeded' }),
      trial(2, { status: 'pending' }),
      trial(3, { status: 'failed' }),
      trial(4, { status: 'queued' }),
    ];
    expect([trialsDone(sweepOf(done)), trialsTotal(sweepOf(done))]).toEqual([3, 5]);
    expect(bestTrialOf(sweepOf(trials, { bestTrial: 2 }))?.best).toBe(0.9);
    expect(bestTrialOf(sweepOf(trials))).toBeUndefined();
  });

  it('names parameters by their last segment unless two share it, and rounds numbers to 4 digits', () => {
    expect([...paramLabels(['compile.optimizer.config.learning_rate', 'model.units', 'training.units']).values()]).toEqual([
      'learning_rate',
      'model.units',
      'training.units',
    ]);
    expect([paramText(0.000123456), paramText(64), paramText('relu')]).toEqual(['0.0001235', '64', 'relu']);
  });
});

describe("dashboard: every trial's curve on one chart", () => {
  it('puts each trial with a job on a shared axis of rounds, null where it has no value', () => {
    const trials = [trial(1, { jobId: 'job-b' }), trial(0, { jobId: 'job-a' }), trial(2)];
    const histories = new Map([
      [0, rounds([{ val_accuracy: 0.5 }, { val_accuracy: 0.6 }, { val_accuracy: 0.7 }])],
      [1, rounds([{ val_accuracy: 0.4 }, { loss: 1 }])],
    ]);
    expect(sweepCurves(trials, histories, 'val_accuracy')).toEqual({
      x: [1, 2, 3],
      series: [
        { index: 0, values: [0.5, 0.6, 0.7] },
        { index: 1, values: [0.4, null, null] },
      ],
    });
  });

  it('has a series for a trial whose job has no round yet, and no x before any round', () => {
    expect(sweepCurves([trial(0, { jobId: 'job-a' })], new Map(), 'loss')).toEqual({ x: [], series: [{ index: 0, values: [] }] });
  });

  it("re-reads a trial's job when it is new, ran a round or changed status, not otherwise", () => {
    const before = [
      trial(0, { jobId: 'job-a', roundsRun: 1 }),
      trial(1, { jobId: 'job-b', roundsRun: 1 }),
      trial(2, { jobId: 'job-c', roundsRun: 2 }),
      trial(3),
    ];
    const after = [
      trial(0, { jobId: 'job-a', roundsRun: 2 }),
      trial(1, { jobId: 'job-b', roundsRun: 1 }),
      trial(2, { jobId: 'job-c', roundsRun: 2, status: 'stopped' }),
      trial(3, { jobId: 'job-d' }),
      trial(4),
    ];
    expect(trialsToFetch(before, after).map((t) => t.index)).toEqual([0, 2, 3]);
    expect(trialsToFetch(undefined, after).map((t) => t.index)).toEqual([0, 1, 2, 3]);
  });
});
