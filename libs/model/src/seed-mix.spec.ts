import { describe, expect, it } from '@jest/globals';
import { mixSeed } from './seed-mix.js';

const popcount = (v: number) => {
  let n = 0;
  for (let x = v >>> 0; x; x &= x - 1) n++;
  return n;
};

describe('mixSeed', () => {
  it('matches an independent Python port of the murmur3 round and finalizer', () => {
    expect(mixSeed(0, 0)).toBe(4279838538);
    expect(mixSeed(42, 0)).toBe(3139624308);
    expect(mixSeed(42, 1)).toBe(2416545486);
    expect(mixSeed(42, 0, 0)).toBe(343057121);
    expect(mixSeed(42, 3, 7)).toBe(1974981512);
    expect(mixSeed(2 ** 31 - 1, 1000, 65535)).toBe(3823559214);
    expect(mixSeed(-1, 5)).toBe(4026509466);
  });

  it('chains: a derived seed extended by a part equals the seed mixed with both parts', () => {
    expect(mixSeed(mixSeed(42, 3), 7)).toBe(mixSeed(42, 3, 7));
    expect(mixSeed(mixSeed(9, 1, 2), 3, 4)).toBe(mixSeed(9, 1, 2, 3, 4));
  });

  it('gives unrelated outputs for nearby inputs', () => {
    const seen = new Set<number>();
    let flips = 0;
    let pairs = 0;
    for (let seed = 0; seed < 64; seed++) {
      for (let epoch = 0; epoch < 64; epoch++) {
        const v = mixSeed(seed, epoch);
        seen.add(v);
        // neighbours in every coordinate, and the swapped order
        for (const w of [mixSeed(seed + 1, epoch), mixSeed(seed, epoch + 1), mixSeed(seed, epoch, 0), mixSeed(epoch, seed)]) {
          if (seed === epoch && w === mixSeed(epoch, seed)) continue;
          flips += popcount(v ^ w);
          pairs++;
          expect(w).not.toBe(v);
        }
      }
    }
    expect(seen.size).toBe(64 * 64);
    // Unrelated 32-bit values differ in 16 bits on average.
    expect(flips / pairs).toBeGreaterThan(15.5);
    expect(flips / pairs).toBeLessThan(16.5);
  });

  it('refuses a lone seed and parts that are not 32-bit integers', () => {
    expect(() => mixSeed(1)).toThrow('mixSeed needs a seed and at least one part to mix in');
    expect(() => mixSeed(1, 0.5)).toThrow('seed part 1 must be a 32-bit integer, got 0.5');
    expect(() => mixSeed(2 ** 32, 1)).toThrow('seed part 0 must be a 32-bit integer, got 4294967296');
    expect(() => mixSeed(1, 2, NaN)).toThrow('seed part 2 must be a 32-bit integer, got NaN');
  });
});
