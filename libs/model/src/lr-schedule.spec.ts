import { describe, expect, it } from '@jest/globals';
import type { LearningRatePlan } from '@tusk/contracts';
import { learningRateAt, learningRatePlan, learningRateRange } from './lr-schedule.js';

const plan = (over: Partial<LearningRatePlan> = {}): LearningRatePlan => ({ base: 0.01, peak: 0.04, warmupEpochs: 0, epochs: 10, ...over });
const at = (p: LearningRatePlan, epochs: number[]) => epochs.map((e) => learningRateAt(p, e));

describe('learningRatePlan', () => {
  const compile = { optimizer: { className: 'sgd', config: { learning_rate: 0.01 } } };
  it('scales the compile optimizer’s rate by 1, P or √P', () => {
    const training = { partitions: 16, epochs: 10 };
    expect(learningRatePlan({ training, compile })).toEqual({ base: 0.01, peak: 0.01, warmupEpochs: 0, epochs: 10 });
    expect(learningRatePlan({ training: { ...training, lrScaling: 'linear' }, compile }).peak).toBe(0.16);
    expect(learningRatePlan({ training: { ...training, lrScaling: 'sqrt' }, compile }).peak).toBe(0.04);
    expect(learningRatePlan({ training: { ...training, lrScaling: 'none' }, compile }).peak).toBe(0.01);
  });

  it("takes each optimizer's default rate when the config gives none, and carries warmup and schedule", () => {
    const training = {
      partitions: 4,
      epochs: 6,
      lrScaling: 'linear' as const,
      warmupEpochs: 2,
      lrSchedule: { type: 'cosine' as const, minLr: 0 },
    };
    expect(learningRatePlan({ training, compile: { optimizer: 'adam' } })).toEqual({
      base: 0.001,
      peak: 0.004,
      warmupEpochs: 2,
      epochs: 6,
      schedule: { type: 'cosine', minLr: 0 },
    });
    expect(learningRatePlan({ training, compile: { optimizer: 'sgd' } }).base).toBe(0.01);
  });
});

describe('learningRateAt', () => {
  it('is the peak rate throughout without warmup or schedule', () => {
    expect(at(plan(), [0, 0.5, 3, 9.99, 10])).toEqual([0.04, 0.04, 0.04, 0.04, 0.04]);
  });

  it('ramps linearly from the base to the peak over the warmup (Goyal et al.), per epoch and within one', () => {
    // Dyadic rates, so every value is exact in floating point.
    expect(at(plan({ base: 0.125, peak: 0.5, warmupEpochs: 4 }), [0, 0.5, 1, 2, 4, 5])).toEqual([
      0.125, 0.171875, 0.21875, 0.3125, 0.5, 0.5,
    ]);
    expect(learningRateAt(plan({ warmupEpochs: 3 }), 1)).toBeCloseTo(0.02, 15);
  });

  it('steps down by gamma every stepEpochs counted from the end of the warmup', () => {
    const p = plan({ base: 0.25, peak: 1, warmupEpochs: 1, schedule: { type: 'step', stepEpochs: 2, gamma: 0.5 } });
    expect(at(p, [0, 0.5, 1, 2, 2.99, 3, 4, 5, 7])).toEqual([0.25, 0.625, 1, 1, 1, 0.5, 0.5, 0.25, 0.125]);
  });

  it('decays exponentially by gamma per epoch, continuously within an epoch', () => {
    const p = plan({ peak: 1, schedule: { type: 'exponential', gamma: 0.5 } });
    expect(at(p, [0, 1, 2, 3])).toEqual([1, 0.5, 0.25, 0.125]);
    expect(learningRateAt(p, 0.5)).toBeCloseTo(Math.SQRT1_2, 15);
  });

  it('follows a half cosine from the peak to minLr over the epochs left after the warmup', () => {
    const p = plan({ base: 0, peak: 1, warmupEpochs: 2, epochs: 6, schedule: { type: 'cosine', minLr: 0.2 } });
    const rates = at(p, [0, 1, 2, 3, 4, 5, 6]);
    expect(rates.slice(0, 2)).toEqual([0, 0.5]);
    expect(rates[2]).toBeCloseTo(1, 15);
    // 0.2 + 0.8 · (1 + cos(π s / 4)) / 2 for s = 1, 2, 3, 4
    expect(rates[3]).toBeCloseTo(0.2 + 0.4 * (1 + Math.SQRT1_2), 15);
    expect(rates[4]).toBeCloseTo(0.6, 15);
    expect(rates[5]).toBeCloseTo(0.2 + 0.4 * (1 - Math.SQRT1_2), 15);
    expect(rates[6]).toBe(0.2);
    expect(learningRateAt(p, 7)).toBe(0.2);
  });
});

describe('learningRateRange', () => {
  it('is the rates at the start, at the end of the warmup and at the end of the job', () => {
    expect(learningRateRange(plan())).toEqual([0.04, 0.04]);
    expect(learningRateRange(plan({ warmupEpochs: 4 }))).toEqual([0.01, 0.04]);
    expect(learningRateRange(plan({ peak: 1, warmupEpochs: 2, epochs: 4, schedule: { type: 'step', stepEpochs: 1, gamma: 0.5 } }))).toEqual(
      [0.01, 1],
    );
    expect(learningRateRange(plan({ base: 1, peak: 1, epochs: 3, schedule: { type: 'exponential', gamma: 0.5 } }))).toEqual([0.125, 1]);
  });
});
