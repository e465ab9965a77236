import { describe, expect, it } from '@jest/globals';
import { defaultEarlyStoppingMode, earlyStoppingState, modelVersion } from './early-stopping.js';

const rounds = (metric: string, values: number[]) => values.map((v, i) => ({ round: i + 1, metrics: { [metric]: v, other: 0 } }));

describe('earlyStoppingState', () => {
  it('stops after `patience` rounds without a lower loss, the best round being the lowest', () => {
    const spec = { metric: 'val_loss', mode: 'min' as const, patience: 2, minDelta: 0 };
    expect(earlyStoppingState(spec, [])).toEqual({ wait: 0, stop: false });
    expect(earlyStoppingState(spec, rounds('val_loss', [0.9, 0.5, 0.6]))).toEqual({ best: 0.5, bestRound: 2, wait: 1, stop: false });
    expect(earlyStoppingState(spec, rounds('val_loss', [0.9, 0.5, 0.6, 0.5]))).toEqual({ best: 0.5, bestRound: 2, wait: 2, stop: true });
    // An improvement resets the count.
    expect(earlyStoppingState(spec, rounds('val_loss', [0.9, 0.5, 0.6, 0.4, 0.45]))).toEqual({
      best: 0.4,
      bestRound: 4,
      wait: 1,
      stop: false,
    });
  });

  it('needs more than minDelta to count as an improvement, in either mode', () => {
    const max = { metric: 'accuracy', mode: 'max' as const, patience: 2, minDelta: 0.05 };
    expect(earlyStoppingState(max, rounds('accuracy', [0.5, 0.54, 0.53, 0.61]))).toEqual({
      best: 0.61,
      bestRound: 4,
      wait: 0,
      stop: false,
    });
    expect(earlyStoppingState(max, rounds('accuracy', [0.5, 0.54, 0.53]))).toEqual({ best: 0.5, bestRound: 1, wait: 2, stop: true });
    const min = { metric: 'loss', mode: 'min' as const, patience: 1, minDelta: 0.25 };
    expect(earlyStoppingState(min, rounds('loss', [2, 1.5]))).toEqual({ best: 1.5, bestRound: 2, wait: 0, stop: false });
    expect(earlyStoppingState(min, rounds('loss', [2, 1.75]))).toEqual({ best: 2, bestRound: 1, wait: 1, stop: true });
  });

  it('stops at the first round without improvement with patience 0, as Keras does', () => {
    const spec = { metric: 'loss', mode: 'min' as const, patience: 0, minDelta: 0 };
    expect(earlyStoppingState(spec, rounds('loss', [1, 0.5])).stop).toBe(false);
    expect(earlyStoppingState(spec, rounds('loss', [1, 0.5, 0.5]))).toMatchObject({ bestRound: 2, stop: true });
  });

  it('never takes a missing or non-finite value as the best', () => {
    const spec = { metric: 'val_loss', mode: 'min' as const, patience: 3, minDelta: 0 };
    expect(earlyStoppingState(spec, rounds('loss', [1, 0.5]))).toEqual({ wait: 2, stop: false });
    expect(earlyStoppingState(spec, rounds('val_loss', [Number.NaN, 0.7, Number.NaN, Number.POSITIVE_INFINITY]))).toEqual({
      best: 0.7,
      bestRound: 2,
      wait: 2,
      stop: false,
    });
  });
});

describe('defaultEarlyStoppingMode and modelVersion', () => {
  it('maximizes accuracies and minimizes the rest (Keras "auto")', () => {
    expect(['accuracy', 'val_accuracy', 'categoricalAccuracy', 'loss', 'val_loss', 'mae'].map(defaultEarlyStoppingMode)).toEqual([
      'max',
      'max',
      'max',
      'min',
      'min',
      'min',
    ]);
  });

  it('is the best round with early stopping, else the newest', () => {
    expect(modelVersion({ round: 5, bestRound: 3 })).toBe(3);
    expect(modelVersion({ round: 5 })).toBe(5);
  });
});
