import { beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { withSeededRandom } from './seeded-random.js';
import { AsyncSeededRandomError } from './training-errors.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const draw = () => Array.from({ length: 5 }, () => Math.random());

describe('withSeededRandom', () => {
  it('gives the same Math.random stream for a seed and another for another seed', () => {
    const a = withSeededRandom(11, draw);
    expect(withSeededRandom(11, draw)).toEqual(a);
    expect(withSeededRandom(12, draw)).not.toEqual(a);
    expect(a.every((v) => v >= 0 && v < 1)).toBe(true);
  });

  it('seeds the tfjs random ops that take no seed: dropout masks, randomNormal, randomUniform', () => {
    const sample = () =>
      tf.tidy(() => {
        const ones = tf.ones([4, 16]);
        return [tf.dropout(ones, 0.5), tf.randomNormal([8]), tf.randomUniform([8])].map((t) => Array.from(t.dataSync()));
      });
    const a = withSeededRandom(5, sample);
    expect(withSeededRandom(5, sample)).toEqual(a);
    expect(withSeededRandom(6, sample)).not.toEqual(a);
  });

  it('restores Math.random afterwards, also when fn throws, and nests', () => {
    const original = Math.random;
    expect(withSeededRandom(1, () => withSeededRandom(2, () => Math.random()))).toBe(withSeededRandom(2, () => Math.random()));
    expect(() =>
      withSeededRandom(1, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(Math.random).toBe(original);
  });

  it('refuses a function that returns a promise, with Math.random already restored', async () => {
    const original = Math.random;
    expect(() => withSeededRandom(1, async () => 1)).toThrow(AsyncSeededRandomError);
    expect(() => withSeededRandom(1, () => Promise.reject(new Error('late')))).toThrow('withSeededRandom needs a synchronous function');
    expect(Math.random).toBe(original);
    await new Promise((r) => setImmediate(r)); // the rejected promise above must not surface as unhandled
  });
});
