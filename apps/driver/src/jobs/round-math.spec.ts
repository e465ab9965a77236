import { describe, expect, it } from '@jest/globals';
import { carriesOptimizerState, optimizerStateKey, type JobRecord, type TrainingSpec } from '@tusk/contracts';
import { expectedPushes, previousOptimizerState, roundPlan, totalRounds, weightedMetrics } from './round-math.js';

describe('weightedMetrics', () => {
  it('averages each metric by samples', () => {
    expect(
      weightedMetrics([
        { samples: 100, metrics: { loss: 1, accuracy: 0.5 } },
        { samples: 300, metrics: { loss: 2, accuracy: 0.9 } },
      ]),
    ).toEqual({ loss: 1.75, accuracy: 0.8 });
  });
});

describe('expectedPushes', () => {
  const training = (async: TrainingSpec['async']): TrainingSpec => ({
    mode: 'asynchronous',
    epochs: 3,
    batchSize: 16,
    partitions: 2,
    localEpochs: 1,
    validationSplit: 0,
    seed: 1,
    async,
  });
  const manifest = {
    partitions: [{ rows: 150 }, { rows: 150 }, { rows: 150 }, { rows: 150 }].map((p, index) => ({
      ...p,
      index,
      key: '',
      bytes: 0,
      sha256: '',
    })),
  };

  it('counts steps of pushEvery batches over every partition and epoch', () => {
    // 300 rows a job partition, 80 rows a step: 4 steps, 3 epochs, 2 partitions.
    expect(expectedPushes(training({ frequency: 'batch', pushEvery: 5, maxStaleness: null, stalePolicy: 'reject' }), manifest)).toBe(24);
  });

  it('counts one push per epoch and partition with frequency epoch', () => {
    expect(expectedPushes(training({ frequency: 'epoch', pushEvery: 1, maxStaleness: null, stalePolicy: 'reject' }), manifest)).toBe(6);
  });
});

describe('rounds with roundsPerEpoch (local SGD)', () => {
  const sync = { mode: 'synchronous', epochs: 2, localEpochs: 1 } as const;

  it("runs epochs × roundsPerEpoch rounds, round r training slice r mod R of epoch ⌊r/R⌋ with that epoch's seed", () => {
    expect(totalRounds({ ...sync, roundsPerEpoch: 3 })).toBe(6);
    expect(totalRounds(sync)).toBe(2);
    expect(totalRounds({ ...sync, epochs: 5, localEpochs: 2 })).toBe(3);
    expect(totalRounds({ ...sync, mode: 'hogwild' })).toBe(1);
    const plans = [0, 1, 2, 3, 4, 5].map((round) => roundPlan({ ...sync, roundsPerEpoch: 3 }, round));
    expect(plans.map((p) => p.seedRound)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(plans.map((p) => p.slice)).toEqual([0, 1, 2, 0, 1, 2].map((index) => ({ index, count: 3 })));
    expect(plans.map((p) => p.epochs)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(plans.map((p) => p.endEpoch)).toEqual([1 / 3, 2 / 3, 1, 4 / 3, 5 / 3, 2]);
    expect(plans.map((p) => p.startEpoch)).toEqual([0, 1 / 3, 2 / 3, 1, 4 / 3, 5 / 3]);
  });

  it('keeps the plan of a job without it: localEpochs per round, the last round the epochs left, no slice', () => {
    const plans = [0, 1, 2].map((round) => roundPlan({ ...sync, epochs: 5, localEpochs: 2 }, round));
    expect(plans).toEqual([
      { seedRound: 0, epochs: 2, startEpoch: 0, endEpoch: 2 },
      { seedRound: 1, epochs: 2, startEpoch: 2, endEpoch: 4 },
      { seedRound: 2, epochs: 1, startEpoch: 4, endEpoch: 5 },
    ]);
    expect(roundPlan({ ...sync, mode: 'asynchronous', epochs: 4 }, 0)).toEqual({ seedRound: 0, epochs: 4, startEpoch: 0, endEpoch: 4 });
  });

  it("carries a partition's optimizer state from slice to slice of an epoch, and from round to round with optimizerState partition", () => {
    const reset = { optimizerState: 'reset', roundsPerEpoch: 3 } as const;
    expect([0, 1, 2, 3, 4, 5, 6].map((round) => carriesOptimizerState(reset, round))).toEqual([
      false,
      true,
      true,
      false,
      true,
      true,
      false,
    ]);
    expect([0, 1, 2].map((round) => carriesOptimizerState({ optimizerState: 'reset' }, round))).toEqual([false, false, false]);
    expect([0, 1, 3].map((round) => carriesOptimizerState({ ...reset, optimizerState: 'partition' }, round))).toEqual([false, true, true]);
  });

  it("names the state the partition's accepted attempt left, none at an epoch's start or at the round a resume went on from", () => {
    const history = [0, 1, 2].map((r) => ({ round: r + 1, workers: [{ partition: 0, attempt: `${r}-1` }] }));
    const job = (round: number, resumes: { round: number }[] = []) =>
      ({
        id: 'j',
        round,
        history,
        resumes,
        spec: { training: { optimizerState: 'reset', roundsPerEpoch: 2 } },
      }) as unknown as JobRecord;
    expect(previousOptimizerState(job(1), 0)).toBe(optimizerStateKey({ jobId: 'j', round: 0, partition: 0, attempt: '0-1' }));
    expect(previousOptimizerState(job(2), 0)).toBeUndefined();
    expect(previousOptimizerState(job(3), 0)).toBe(optimizerStateKey({ jobId: 'j', round: 2, partition: 0, attempt: '2-1' }));
    expect(previousOptimizerState(job(3, [{ round: 3 }]), 0)).toBeUndefined();
    expect(previousOptimizerState(job(1), 1)).toBeUndefined();
  });
});
