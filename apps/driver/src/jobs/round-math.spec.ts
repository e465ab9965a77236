import { describe, expect, it } from '@jest/globals';
import type { TrainingSpec } from '@tusk/contracts';
import { expectedPushes, weightedMetrics } from './round-math.js';

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
