import { describe, expect, it } from '@jest/globals';
import { oneHot, toFloat32 } from './to-float.js';

describe('toFloat32', () => {
  it('scales uint8 pixels into a new float32 array', () => {
    const out = toFloat32({ data: Uint8Array.from([0, 51, 255]), scale: 1 / 255 });
    expect(out).toEqual(Float32Array.from([0, 0.2, 1]));
  });

  it('copies when scale is 1, and converts int32', () => {
    const src = Float32Array.from([1.5, -2]);
    const out = toFloat32({ data: src, scale: 1 });
    expect(out).toEqual(src);
    expect(out).not.toBe(src);
    expect(toFloat32({ data: Int32Array.from([3, -4]), scale: 0.5 })).toEqual(Float32Array.from([1.5, -2]));
  });

  it('writes into a given buffer at an offset, scaled or not, and refuses what does not fit', () => {
    const out = new Float32Array(5).fill(9);
    expect(toFloat32({ data: Uint8Array.from([0, 255]), scale: 1 / 255 }, out, 1)).toBe(out);
    toFloat32({ data: Int32Array.from([7]), scale: 1 }, out, 3);
    expect(out).toEqual(Float32Array.from([9, 0, 1, 7, 9]));
    expect(() => toFloat32({ data: Uint8Array.from([1, 2]), scale: 1 }, out, 4)).toThrow('2 values do not fit at 4 of 5');
  });
});

describe('oneHot', () => {
  it('encodes class labels row by row', () => {
    expect(oneHot(Int32Array.from([2, 0, 1]), 3)).toEqual(Float32Array.from([0, 0, 1, 1, 0, 0, 0, 1, 0]));
  });

  it('rejects labels outside [0, numClasses) and bad class counts', () => {
    expect(() => oneHot(Int32Array.from([0, 3]), 3)).toThrow('label 3 at row 1 is outside [0, 3)');
    expect(() => oneHot(Int32Array.from([-1]), 3)).toThrow('label -1 at row 0 is outside [0, 3)');
    expect(() => oneHot(Int32Array.from([0]), 0)).toThrow('numClasses must be a positive integer, got 0');
  });
});
