import { describe, expect, it } from '@jest/globals';
import type { RoundRecord } from '@tusk/contracts';
import { metricGroups, roundCurve, stragglersOf, throughputBands, throughputOf, versionCurve } from './stats.js';

const round = (n: number, rates: Record<string, number>, metrics: Record<string, number> = {}): RoundRecord => ({
  round: n,
  epoch: n,
  metrics,
  samples: 0,
  seconds: 1,
  samplesPerSecond: 0,
  workers: Object.entries(rates).map(([workerId, samplesPerSecond], partition) => ({
    workerId,
    partition,
    samples: 100,
    seconds: 1,
    samplesPerSecond,
    backend: 'cpu',
  })),
});

describe('dashboard statistics', () => {
  it('marks workers below 80% of the round median as stragglers, and nobody when alone', () => {
    expect([...stragglersOf(round(1, { a: 100, b: 95, c: 70 }))]).toEqual(['c']);
    expect([...stragglersOf(round(1, { a: 100, b: 81 }))]).toEqual([]);
    expect([...stragglersOf(round(1, { a: 10 }))]).toEqual([]);
  });

  it('groups train and validation metrics on the same axes', () => {
    expect([...metricGroups(['val_loss', 'accuracy', 'loss', 'val_accuracy'])]).toEqual([
      ['accuracy', ['accuracy', 'val_accuracy']],
      ['loss', ['loss', 'val_loss']],
    ]);
  });

  it('builds per-round and per-version curves with gaps where a metric is missing', () => {
    const curve = roundCurve([round(1, {}, { loss: 2 }), round(2, {}, { loss: 1, val_loss: 1.5 })]);
    expect(curve.x).toEqual([1, 2]);
    expect(curve.y.get('val_loss')).toEqual([null, 1.5]);
    const versions = versionCurve([
      { version: 3, at: '', partition: 0, staleness: 0, outcome: 'applied', metrics: { loss: 1 } },
      { version: 1, at: '', partition: 1, staleness: 0, outcome: 'applied', metrics: { loss: 2 } },
      { version: 3, at: '', partition: 1, staleness: 1, outcome: 'rejected', metrics: { loss: 9 } },
    ]);
    expect(versions.x).toEqual([1, 3]);
    expect(versions.y.get('loss')).toEqual([2, 1]);
  });

  it('gives samples/s per worker per round and the slowest straggler of each round', () => {
    const t = throughputOf([round(1, { w1: 100, w2: 50 }), round(2, { w1: 100, w2: 99 })]);
    expect(t.workers).toEqual(['w1', 'w2']);
    expect(t.columns).toEqual([
      [100, 100],
      [50, 99],
    ]);
    expect(t.stragglers).toEqual([50, null]);
    expect([...t.timesSlow]).toEqual([['w2', 1]]);
  });

  it('summarises many workers as slowest, median and fastest per round', () => {
    expect(throughputBands([round(1, { a: 10, b: 30, c: 20 }), round(2, {})])).toEqual({
      min: [10, null],
      median: [20, null],
      max: [30, null],
    });
  });
});
