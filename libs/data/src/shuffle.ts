import { DatasetArgumentError } from './errors.js';

/** mulberry32 PRNG in [0, 1): a tiny seeded generator so shuffles are reproducible across runs and machines. */
export function seededRandom(seed: number): () => number {
  if (!Number.isInteger(seed)) throw new DatasetArgumentError(`seed must be an integer, got ${seed}`);
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates permutation of 0..n-1 driven by seededRandom, so a seed always yields the same row order. */
export function permutation(n: number, seed: number): Uint32Array {
  if (!Number.isInteger(n) || n < 0) throw new DatasetArgumentError(`permutation size must be a non-negative integer, got ${n}`);
  const random = seededRandom(seed);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = order[i];
    order[i] = order[j];
    order[j] = tmp;
  }
  return order;
}
