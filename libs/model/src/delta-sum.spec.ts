import { describe, expect, it } from '@jest/globals';
import { seededRandom } from '@tusk/data';
import { averageDeltas, type WeightedDelta } from './delta.js';
import { DeltaSum } from './delta-sum.js';
import { float32ToBytes } from './float-codec.js';
import { decodeFloat16, encodeFloat16 } from './float16.js';

/** `count` random deltas of `length` values over several magnitudes, with uneven sample counts. */
function randomDeltas({ count, length, seed }: { count: number; length: number; seed: number }): WeightedDelta[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => ({
    delta: Float32Array.from({ length }, () => (random() - 0.5) * 10 ** Math.floor(random() * 8 - 5)),
    samples: 1 + Math.floor(random() * 5000),
  }));
}

function folded(deltas: WeightedDelta[]): Float32Array {
  const sum = new DeltaSum(deltas.reduce((n, d) => n + d.samples, 0));
  for (const d of deltas) sum.add(d);
  return sum.mean();
}

describe('DeltaSum', () => {
  it.each([2, 7, 33])('gives the bits of averageDeltas for %i random float32 deltas with uneven samples', (count) => {
    const deltas = randomDeltas({ count, length: 4099, seed: count });
    expect(new Set(deltas.map((d) => d.samples)).size).toBeGreaterThan(1);
    expect(Buffer.from(float32ToBytes(folded(deltas))).equals(Buffer.from(float32ToBytes(averageDeltas(deltas))))).toBe(true);
  });

  it('gives the bits of averageDeltas for float16-encoded deltas', () => {
    const deltas = randomDeltas({ count: 9, length: 2048, seed: 16 }).map((d) => ({ ...d, delta: decodeFloat16(encodeFloat16(d.delta)) }));
    expect(Buffer.from(float32ToBytes(folded(deltas))).equals(Buffer.from(float32ToBytes(averageDeltas(deltas))))).toBe(true);
  });

  it('weights each delta by its share of the samples', () => {
    const sum = new DeltaSum(400);
    sum.add({ delta: Float32Array.from([1, 2, 3]), samples: 100 });
    sum.add({ delta: Float32Array.from([3, 6, -3]), samples: 300 });
    expect(Array.from(sum.mean())).toEqual([2.5, 5, -1.5]);
  });

  it('tells when a delta held NaN or Infinity, even with no samples', () => {
    const sum = new DeltaSum(3);
    expect(sum.add({ delta: Float32Array.from([1, -2, 3e38]), samples: 1 })).toBe(true);
    expect(sum.add({ delta: Float32Array.from([0, NaN, 0]), samples: 1 })).toBe(false);
    expect(sum.add({ delta: Float32Array.from([-Infinity, 0, 0]), samples: 0 })).toBe(false);
    expect(new DeltaSum(1).add({ delta: Float32Array.from([Infinity]), samples: 1 })).toBe(false);
  });

  it('refuses no samples, nothing added and mismatched lengths', () => {
    expect(() => new DeltaSum(0)).toThrow('deltas carry no samples');
    expect(() => new DeltaSum(1).mean()).toThrow('no deltas to average');
    const sum = new DeltaSum(2);
    sum.add({ delta: new Float32Array(2), samples: 1 });
    expect(() => sum.add({ delta: new Float32Array(3), samples: 1 })).toThrow('delta has 3 values, expected 2');
  });
});
