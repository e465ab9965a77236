import { describe, expect, it } from '@jest/globals';
import type { SweepRecord, TrialRecord } from '@tusk/contracts';
import {
  bestTrialText,
  formatParam,
  LeaderboardRenderer,
  leaderboard,
  paramLabels,
  rankTrials,
  sweepsTable,
  sweepSummary,
} from './sweep-format.js';

const LR = 'compile.optimizer.config.learning_rate';
const trial = (index: number, extra: Partial<TrialRecord> = {}): TrialRecord => ({
  index,
  params: { [LR]: 0.01 * (index + 1), 'training.batchSize': 32 },
  status: 'running',
  roundsRun: 0,
  rungs: [],
  ...extra,
});

const sweepOf = (trials: TrialRecord[], extra: Partial<SweepRecord> = {}): SweepRecord => ({
  id: 'sweep-1',
  spec: {
    name: 'lr-search',
    baseJob: {},
    space: { [LR]: { type: 'loguniform', min: 1e-4, max: 0.1 }, 'training.batchSize': { type: 'choice', values: [32, 64] } },
    sampler: { type: 'random', seed: 1 },
    maxTrials: 4,
    maxConcurrentTrials: 2,
    maxFailedTrials: 1,
    metric: 'val_accuracy',
    mode: 'max',
    scheduler: { type: 'asha', gracePeriod: 1, reductionFactor: 2, maxRounds: 4 },
  },
  status: 'running',
  createdAt: '2024-01-01T00:00:00.000Z',
  updatedAt: '2024-01-01T00:00:05.000Z',
  trials,
  ...extra,
});

describe('sweep parameters', () => {
  it('prints numbers with 4 significant digits and the rest as written', () => {
    expect([formatParam(0.0012345678), formatParam(32), formatParam(1.5e-7), formatParam('relu'), formatParam(true)]).toEqual([
      '0.001235',
      '32',
      '1.5e-7',
      'relu',
      'true',
    ]);
  });

  it('names each key by its last segment unless two keys share it', () => {
    expect([...paramLabels([LR, 'training.batchSize', 'model.units', 'compile.units']).values()]).toEqual([
      'learning_rate',
      'batchSize',
      'model.units',
      'compile.units',
    ]);
  });
});

describe('rankTrials', () => {
  const trials = [trial(0, { best: 0.7 }), trial(1), trial(2, { best: 0.9 }), trial(3, { best: 0.7 })];
  it('puts the best metric first by the mode, ties and trials without a metric by index', () => {
    expect(rankTrials(trials, 'max').map((t) => t.index)).toEqual([2, 0, 3, 1]);
    expect(rankTrials(trials, 'min').map((t) => t.index)).toEqual([0, 3, 2, 1]);
  });
});

describe('leaderboard', () => {
  it('heads with the sweep and its best, then one row per trial, best first and marked', () => {
    const sweep = sweepOf(
      [
        trial(0, { status: 'stopped', best: 0.61234, bestRound: 1, roundsRun: 1, jobId: 'job-a' }),
        trial(1, { status: 'running', best: 0.9, bestRound: 3, roundsRun: 3, jobId: 'job-b' }),
        trial(2, { status: 'pending' }),
      ],
      { bestTrial: 1 },
    );
    expect(leaderboard(sweep)).toBe(
      'sweep sweep-1 lr-search  running  1/3 trials done  best: trial 1 val_accuracy 0.9000\n' +
        'TRIAL  PARAMS                           STATUS   VAL_ACCURACY  AT ROUND  ROUNDS\n' +
        '   1*  learning_rate=0.02 batchSize=32  running        0.9000         3       3\n' +
        '    0  learning_rate=0.01 batchSize=32  stopped        0.6123         1       1\n' +
        '    2  learning_rate=0.03 batchSize=32  pending             -         -       0',
    );
  });

  it('says when no trial has a best yet', () => {
    const sweep = sweepOf([trial(0, { status: 'succeeded' }), trial(1, { status: 'failed', error: 'boom' })], { status: 'failed' });
    expect(leaderboard(sweep).split('\n')[0]).toBe('sweep sweep-1 lr-search  failed  2/2 trials done  best: -');
  });
});

describe('LeaderboardRenderer', () => {
  it('redraws in place on a terminal', () => {
    const out: string[] = [];
    const r = new LeaderboardRenderer({ write: (t: string) => out.push(t) }, true);
    r.draw(sweepOf([trial(0)]));
    r.draw(sweepOf([trial(0, { roundsRun: 1 })]));
    expect(out[0].startsWith('sweep sweep-1')).toBe(true);
    expect(out[1].startsWith('\x1b[3F\x1b[J')).toBe(true);
  });

  it("cuts lines at the terminal's width, so none wraps and the redraw stays in place", () => {
    const out: string[] = [];
    new LeaderboardRenderer({ write: (t: string) => out.push(t) }, true, 40).draw(sweepOf([trial(0)]));
    expect(
      out[0]
        .split('\n')
        .filter(Boolean)
        .map((l) => l.length),
    ).toEqual([39, 39, 39]);
    expect(out[0].split('\n')[0]).toBe('sweep sweep-1 lr-search  running  0/1 …');
  });

  it('prints again only on a change of status when the output is not a terminal', () => {
    const out: string[] = [];
    const r = new LeaderboardRenderer({ write: (t: string) => out.push(t) }, false);
    r.draw(sweepOf([trial(0)]));
    r.draw(sweepOf([trial(0, { roundsRun: 1, best: 0.5 })]));
    r.draw(sweepOf([trial(0, { status: 'succeeded', roundsRun: 2, best: 0.6 })], { status: 'succeeded', bestTrial: 0 }));
    expect(out).toHaveLength(2);
    expect(out[1].startsWith('\nsweep sweep-1 lr-search  succeeded  1/1')).toBe(true);
  });
});

describe('sweep summaries', () => {
  const done = sweepOf(
    [
      trial(0, { status: 'stopped', best: 0.6, roundsRun: 1, jobId: 'job-a' }),
      trial(1, { status: 'succeeded', best: 0.9, bestRound: 4, roundsRun: 4, jobId: 'job-b' }),
      trial(2, { status: 'failed', error: 'worker ran out of memory', roundsRun: 0 }),
    ],
    { status: 'succeeded', bestTrial: 1, finishedAt: '2024-01-01T00:01:05.000Z' },
  );

  it('ends a watch with the outcome, early stops, failures and the best trial', () => {
    expect(sweepSummary(done)).toBe(
      'sweep sweep-1 succeeded in 1m05s: 3 trials (1 stopped early, 1 failed), best trial 1: val_accuracy 0.9000 (job-b)',
    );
    expect(sweepSummary(sweepOf([trial(0, { status: 'cancelled' })], { status: 'cancelled' }))).toBe(
      'sweep sweep-1 cancelled: 1 trials (1 cancelled), no trial reported the metric',
    );
  });

  it('lists sweeps with trials done/total and the best value', () => {
    expect(sweepsTable([done, sweepOf([trial(0)], { id: 'sweep-22', createdAt: '2024-01-02T00:00:00.000Z' })])).toBe(
      'ID        NAME       STATUS     TRIALS  METRIC                BEST  CREATED\n' +
        'sweep-1   lr-search  succeeded     3/3  val_accuracy (max)  0.9000  2024-01-01T00:00:00.000Z\n' +
        'sweep-22  lr-search  running       0/1  val_accuracy (max)       -  2024-01-02T00:00:00.000Z',
    );
  });

  it('prints the best trial with its job, metric and every param', () => {
    expect(bestTrialText(done, done.trials[1])).toBe(
      'trial   1 (succeeded)\n' +
        'job     job-b\n' +
        'val_accuracy 0.9000 at round 4 (max)\n' +
        'params\n' +
        `  ${LR}  0.02\n` +
        '  training.batchSize                      32',
    );
  });
});
