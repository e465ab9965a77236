import { seededRandom } from '@tusk/data';
import { AsyncSeededRandomError } from './training-errors.js';

/**
 * Runs `fn` with Math.random drawn from a seeded generator, because tfjs seeds Dropout, GaussianNoise and the other
 * random ops from Math.random() when no seed is given; the generator is restored afterwards, even on a throw.
 */
export function withSeededRandom<T>(seed: number, fn: () => T): T {
  const original = Math.random;
  // Safe only because fn is synchronous: nothing else can run (and draw from the seeded stream) until finally.
  Math.random = seededRandom(seed);
  let result: T;
  try {
    result = fn();
  } finally {
    Math.random = original;
  }
  if (isThenable(result)) {
    // The caller gets our error instead; keep its rejection from surfacing as an unhandled one.
    result.then(undefined, () => undefined);
    throw new AsyncSeededRandomError();
  }
  return result;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}
