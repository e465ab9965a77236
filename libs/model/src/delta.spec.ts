import { describe, expect, it } from '@jest/globals';
import { applyDelta, averageDeltas, computeDelta, hasNonFinite } from './delta.js';

describe('delta averaging', () => {
  it('weights each delta by its samples', () => {
    const avg = averageDeltas([
      { delta: Float32Array.from([1, 2, 3]), samples: 100 },
      { delta: Float32Array.from([3, 6, -3]), samples: 300 },
    ]);
    // (1*100 + 3*300)/400 = 2.5, (2*100 + 6*300)/400 = 5, (3*100 - 3*300)/400 = -1.5
    expect(Array.from(avg)).toEqual([2.5, 5, -1.5]);
  });

  it('turns known deltas into known next weights', () => {
    const base = Float32Array.from([0.5, -1, 2]);
    const after1 = Float32Array.from([1.5, -1, 1]);
    const after2 = Float32Array.from([0.5, 1, 2]);
    const next = applyDelta(
      base,
      averageDeltas([
        { delta: computeDelta(base, after1), samples: 1 },
        { delta: computeDelta(base, after2), samples: 1 },
      ]),
    );
    expect(Array.from(next)).toEqual([1, 0, 1.5]);
  });

  it('does not depend on the order the deltas arrive in', () => {
    const a = { delta: Float32Array.from([0.1, 0.7]), samples: 7 };
    const b = { delta: Float32Array.from([0.3, -0.2]), samples: 13 };
    expect(averageDeltas([a, b])).toEqual(averageDeltas([b, a]));
  });

  it('refuses mismatched lengths and empty input', () => {
    expect(() => averageDeltas([])).toThrow('no deltas to average');
    expect(() =>
      averageDeltas([
        { delta: new Float32Array(2), samples: 1 },
        { delta: new Float32Array(3), samples: 1 },
      ]),
    ).toThrow('delta has 3 values, expected 2');
    expect(() => applyDelta(new Float32Array(2), new Float32Array(1))).toThrow('delta has 1 values, weights have 2');
  });

  it('spots NaN and Infinity', () => {
    expect(hasNonFinite(Float32Array.from([1, 2]))).toBe(false);
    expect(hasNonFinite(Float32Array.from([1, NaN]))).toBe(true);
    expect(hasNonFinite(Float32Array.from([Infinity]))).toBe(true);
  });
});
