import { describe, expect, it } from '@jest/globals';
import { gzipSync } from 'node:zlib';
import { parseIdx } from './idx.js';

/** IDX header: 0x00 0x00 dtype ndims, then each dim as big-endian u32. */
function idx(dtype: number, shape: number[], payload: number[]): Uint8Array {
  const dims = shape.flatMap((d) => [(d >>> 24) & 0xff, (d >>> 16) & 0xff, (d >>> 8) & 0xff, d & 0xff]);
  return Uint8Array.from([0, 0, dtype, shape.length, ...dims, ...payload]);
}

describe('parseIdx', () => {
  const images = idx(0x08, [2, 2, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255]);

  it('parses raw uint8 images with their shape', () => {
    const out = parseIdx(images);
    expect(out.dtype).toBe('uint8');
    expect(out.shape).toEqual([2, 2, 3]);
    expect(out.data).toEqual(Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255]));
  });

  it('parses the same file gzipped', () => {
    const gz = gzipSync(images);
    expect([gz[0], gz[1]]).toEqual([0x1f, 0x8b]);
    const out = parseIdx(gz);
    expect(out.shape).toEqual([2, 2, 3]);
    expect(Array.from(out.data as Uint8Array)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255]);
  });

  it('parses 1-D uint8 labels (multi-byte dimension)', () => {
    const out = parseIdx(idx(0x08, [258], new Array<number>(258).fill(7)));
    expect(out.shape).toEqual([258]);
    expect(out.data.length).toBe(258);
  });

  it('reads signed and floating types big-endian', () => {
    expect(parseIdx(idx(0x09, [2], [0xff, 0x7f])).data).toEqual(Int8Array.from([-1, 127]));
    expect(parseIdx(idx(0x0b, [2], [0xff, 0xfe, 0x01, 0x00])).data).toEqual(Int16Array.from([-2, 256]));
    const i32 = parseIdx(idx(0x0c, [2], [0x00, 0x01, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff]));
    expect(i32).toEqual({ dtype: 'int32', shape: [2], data: Int32Array.from([65536, -1]) });
    const f32 = parseIdx(idx(0x0d, [2], [0x3f, 0xc0, 0, 0, 0xc0, 0, 0, 0]));
    expect(f32).toEqual({ dtype: 'float32', shape: [2], data: Float32Array.from([1.5, -2]) });
    const f64 = parseIdx(idx(0x0e, [1, 2], [0x3f, 0xe0, 0, 0, 0, 0, 0, 0, 0xc0, 0x08, 0, 0, 0, 0, 0, 0]));
    expect(f64).toEqual({ dtype: 'float64', shape: [1, 2], data: Float64Array.from([0.5, -3]) });
  });

  it('rejects malformed files with a message naming the problem', () => {
    expect(() => parseIdx(Uint8Array.from([0, 0]))).toThrow('IDX file is too short: 2 bytes, need at least 4 for the magic number');
    expect(() => parseIdx(Uint8Array.from([1, 0, 8, 1]))).toThrow('IDX magic number must start with two zero bytes, got 0x01 0x00');
    expect(() => parseIdx(idx(0x0a, [1], [0]))).toThrow(
      'IDX dtype code 0x0A is not supported (expected 0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E)',
    );
    expect(() => parseIdx(Uint8Array.from([0, 0, 8, 0]))).toThrow('IDX file declares 0 dimensions');
    expect(() => parseIdx(Uint8Array.from([0, 0, 8, 2, 0, 0, 0, 1]))).toThrow('IDX header is truncated: 2 dimensions need 12 bytes, got 8');
    expect(() => parseIdx(idx(0x0b, [2, 2], [0, 1, 0, 2, 0]))).toThrow('IDX data is truncated: shape [2, 2] of int16 needs 8 bytes, got 5');
    expect(() => parseIdx(idx(0x08, [2], [1, 2, 3]))).toThrow('IDX file has 1 trailing bytes after shape [2] of uint8');
  });

  it('rejects a truncated gzip stream as DatasetFormatError', () => {
    const gz = gzipSync(images);
    const cut = gz.subarray(0, gz.length - 10);
    expect(() => parseIdx(cut)).toThrow('IDX file is gzip-compressed but the gzip stream is corrupt or truncated');
    try {
      parseIdx(cut);
    } catch (err) {
      expect((err as Error).name).toBe('DatasetFormatError');
    }
  });
});
