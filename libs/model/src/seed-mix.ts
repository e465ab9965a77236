import { TrainingArgumentError } from './training-errors.js';

const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r));

/** murmur3's finalizer: every input bit flips each output bit with probability ~1/2. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** One murmur3 block round of `part` into `state`, then the finalizer. */
function absorb(state: number, part: number): number {
  let k = Math.imul(part, 0xcc9e2d51);
  k = rotl(k, 15);
  k = Math.imul(k, 0x1b873593);
  let h = state ^ k;
  h = rotl(h, 13);
  h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  return fmix32(h);
}

function asUint32(part: number, i: number): number {
  if (!Number.isInteger(part) || part < -(2 ** 31) || part >= 2 ** 32) {
    throw new TrainingArgumentError(`seed part ${i} must be a 32-bit integer, got ${part}`);
  }
  return part >>> 0;
}

/**
 * Derives an independent 32-bit seed from a seed and counters (job seed, round, partition; task seed, epoch, batch),
 * so nearby counters give unrelated streams. It chains: mixSeed(mixSeed(a, b), c) === mixSeed(a, b, c), so a derived
 * seed can be handed to a function that extends it.
 */
export function mixSeed(seed: number, ...parts: number[]): number {
  if (parts.length === 0) throw new TrainingArgumentError('mixSeed needs a seed and at least one part to mix in');
  return parts.reduce((state, part, i) => absorb(state, asUint32(part, i + 1)), asUint32(seed, 0));
}
