import { describe, expect, it } from '@jest/globals';
import { parseNpy } from './npy.js';

/** Builds a .npy file the way np.save does: magic, version, header length, padded dict header, raw data. */
function npy(descr: string, shape: string, payload: ArrayBufferView, opts: { major?: number; fortran?: string } = {}): Uint8Array {
  const major = opts.major ?? 1;
  const dict = `{'descr': '${descr}', 'fortran_order': ${opts.fortran ?? 'False'}, 'shape': ${shape}, }`;
  const prefix = major === 1 ? 10 : 12;
  const padded = dict.padEnd(Math.ceil((prefix + dict.length + 1) / 64) * 64 - prefix - 1, ' ') + '\n';
  const header = new TextEncoder().encode(padded);
  const data = new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength);
  const out = new Uint8Array(prefix + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(header, prefix);
  out.set(data, prefix + header.length);
  return out;
}

describe('parseNpy', () => {
  it('parses a v1 float32 matrix (data starts 64-byte aligned, like np.save)', () => {
    const file = npy('<f4', '(2, 3)', Float32Array.from([1, 2, 3, 4.5, -5, 6]));
    expect(file.length).toBe(128 + 24);
    expect(parseNpy(file)).toEqual({ dtype: 'float32', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4.5, -5, 6]) });
  });

  it('parses v2 and v3 headers', () => {
    expect(parseNpy(npy('<i4', '(3,)', Int32Array.from([-1, 0, 7]), { major: 2 }))).toEqual({
      dtype: 'int32',
      shape: [3],
      data: Int32Array.from([-1, 0, 7]),
    });
    expect(parseNpy(npy('<f8', '(1, 2)', Float64Array.from([0.25, -8]), { major: 3 })).data).toEqual(Float64Array.from([0.25, -8]));
  });

  it('parses every supported dtype', () => {
    expect(parseNpy(npy('<i8', '(2,)', BigInt64Array.from([-3n, 5n]))).data).toEqual(BigInt64Array.from([-3n, 5n]));
    expect(parseNpy(npy('<i2', '(2,)', Int16Array.from([-300, 300]))).data).toEqual(Int16Array.from([-300, 300]));
    expect(parseNpy(npy('|u1', '(2, 1)', Uint8Array.from([0, 255])))).toEqual({
      dtype: 'uint8',
      shape: [2, 1],
      data: Uint8Array.from([0, 255]),
    });
    expect(parseNpy(npy('|i1', '(2,)', Int8Array.from([-128, 127]))).data).toEqual(Int8Array.from([-128, 127]));
    expect(parseNpy(npy('|b1', '(3,)', Uint8Array.from([1, 0, 1])))).toEqual({
      dtype: 'bool',
      shape: [3],
      data: Uint8Array.from([1, 0, 1]),
    });
  });

  it('copies data into an aligned buffer even when the input is at an odd offset', () => {
    const file = npy('<f4', '(2,)', Float32Array.from([3.5, -1]));
    const host = new Uint8Array(file.length + 1);
    host.set(file, 1);
    expect(parseNpy(host.subarray(1)).data).toEqual(Float32Array.from([3.5, -1]));
  });

  it('treats shape () as a single scalar', () => {
    expect(parseNpy(npy('<f4', '()', Float32Array.from([9])))).toEqual({ dtype: 'float32', shape: [], data: Float32Array.from([9]) });
  });

  it('rejects unsupported or malformed files with a clear message', () => {
    expect(() => parseNpy(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))).toThrow(
      'NPY magic string \\x93NUMPY not found: not a .npy file',
    );
    const v4 = npy('<f4', '(1,)', Float32Array.from([1]));
    v4[6] = 4;
    expect(() => parseNpy(v4)).toThrow('NPY format version 4.0 is not supported (expected 1.0, 2.0 or 3.0)');
    expect(() => parseNpy(npy('<u4', '(1,)', Uint32Array.from([1])))).toThrow(
      "NPY dtype '<u4' is not supported (supported: <f4, <f8, <i4, <i8, <i2, |u1, |i1, |b1)",
    );
    expect(() => parseNpy(npy('>f4', '(1,)', Float32Array.from([1])))).toThrow(
      "NPY dtype '>f4' is not little-endian; save with a '<' dtype (supported: <f4, <f8, <i4, <i8, <i2, |u1, |i1, |b1)",
    );
    expect(() => parseNpy(npy('<f4', '(2, 2)', Float32Array.from([1, 2, 3, 4]), { fortran: 'True' }))).toThrow(
      'NPY array is in Fortran order; save it in C order (np.ascontiguousarray) first',
    );
    expect(() => parseNpy(npy('<f4', '(2, 2)', Float32Array.from([1, 2, 3])))).toThrow(
      "NPY data is truncated: shape [2, 2] of '<f4' needs 16 bytes, got 12",
    );
    expect(() => parseNpy(npy('<f4', '(1,)', Float32Array.from([1, 2])))).toThrow("NPY file has 4 trailing bytes after shape [1] of '<f4'");
    const cut = npy('<f4', '(1,)', Float32Array.from([1])).subarray(0, 40);
    expect(() => parseNpy(cut)).toThrow('NPY header is truncated: header declares 118 bytes, file has 30');
  });
});
