import { describe, expect, it } from '@jest/globals';
import { decodeFloat16, encodeFloat16, fromHalf, toHalf } from './float16.js';

describe('float16', () => {
  it('encodes known values to their IEEE half bits', () => {
    expect([1, -2, 0.5, 65504, 0, -0, 6.103515625e-5, 5.960464477539063e-8].map(toHalf)).toEqual([
      0x3c00, 0xc000, 0x3800, 0x7bff, 0, 0x8000, 0x0400, 0x0001,
    ]);
    expect(toHalf(70000)).toBe(0x7c00);
    expect(toHalf(-Infinity)).toBe(0xfc00);
    expect(Number.isNaN(fromHalf(toHalf(NaN)))).toBe(true);
  });

  it('rounds to nearest, ties to even', () => {
    expect(toHalf(1 + 2 ** -11)).toBe(0x3c00); // tie, stays even
    expect(toHalf(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie, rounds up to even
    expect(toHalf(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01); // above the tie
  });

  it('round-trips a delta within half precision', () => {
    const delta = Float32Array.from([0.001234, -0.5, 3.14159, 1e-6, -12.75]);
    const back = decodeFloat16(encodeFloat16(delta));
    expect(encodeFloat16(delta).byteLength).toBe(10);
    back.forEach((v, i) => expect(Math.abs(v - delta[i])).toBeLessThanOrEqual(Math.abs(delta[i]) * 2 ** -11 + 2 ** -25));
    expect(back[4]).toBe(-12.75);
  });
});
