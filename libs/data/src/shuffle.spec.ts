import { describe, expect, it } from '@jest/globals';
import { permutation, seededRandom } from './shuffle.js';

describe('seededRandom', () => {
  it('is deterministic for a seed and stays in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(seededRandom(43)()).not.toBe(xs[0]);
  });

  it('matches the reference mulberry32 sequence', () => {
    const r = seededRandom(1);
    expect([r(), r(), r()].map((x) => Math.round(x * 4294967296))).toEqual(EXPECTED_SEED1);
  });

  it('rejects non-integer seeds', () => {
    expect(() => seededRandom(1.5)).toThrow('seed must be an integer, got 1.5');
  });
});

describe('permutation', () => {
  it('is a deterministic permutation of 0..n-1', () => {
    const p = permutation(10, 7);
    expect(Array.from(p)).toEqual(EXPECTED_PERM_10_7);
    expect(Array.from(permutation(10, 7))).toEqual(Array.from(p));
    expect([...p].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(permutation(10, 8))).not.toEqual(Array.from(p));
  });

  it('handles tiny sizes and rejects bad ones', () => {
    expect(Array.from(permutation(0, 1))).toEqual([]);
    expect(Array.from(permutation(1, 1))).toEqual([0]);
    expect(() => permutation(-1, 1)).toThrow('permutation size must be a non-negative integer, got -1');
  });
});

/** Computed with an independent Python port of bryc's reference mulberry32. */
const EXPECTED_SEED1 = [2693262067, 11749833, 2265367787];
const EXPECTED_PERM_10_7 = [6, 5, 8, 1, 2, 3, 4, 7, 9, 0];
