import { describe, expect, it } from '@jest/globals';
import { sha256Hex } from './hash.js';
import { decodePartition, encodePartition } from './partition-codec.js';

const layout = { features: { dtype: 'uint8' as const, shape: [1] }, labels: { dtype: 'int32' as const, shape: [] } };
const part = { rows: 3, features: { data: Uint8Array.from([1, 2, 3]) }, labels: { data: Int32Array.from([1, -1, 256]) } };

describe('encodePartition', () => {
  it('writes the TSKP header, padded features, then labels', () => {
    expect(Array.from(encodePartition(part))).toEqual([
      0x54,
      0x53,
      0x4b,
      0x50, // 'TSKP'
      1,
      0,
      0,
      0, // version
      3,
      0,
      0,
      0, // rows
      3,
      0,
      0,
      0, // featureBytes
      12,
      0,
      0,
      0, // labelBytes
      1,
      2,
      3,
      0, // features + 1 byte padding
      1,
      0,
      0,
      0,
      0xff,
      0xff,
      0xff,
      0xff,
      0,
      1,
      0,
      0, // labels int32 LE
    ]);
  });
});

describe('decodePartition', () => {
  it('round-trips float32 features and int32 labels', () => {
    const p = { rows: 2, features: { data: Float32Array.from([0.5, -1, 2, 3.25, 4, 5]) }, labels: { data: Int32Array.from([7, 0]) } };
    const decoded = decodePartition(encodePartition(p), {
      features: { dtype: 'float32', shape: [3] },
      labels: { dtype: 'int32', shape: [] },
    });
    expect(decoded).toEqual({ rows: 2, features: Float32Array.from([0.5, -1, 2, 3.25, 4, 5]), labels: Int32Array.from([7, 0]) });
  });

  it('round-trips padded uint8 features, also from an unaligned buffer', () => {
    const bytes = encodePartition(part);
    expect(decodePartition(bytes, layout)).toEqual({
      rows: 3,
      features: Uint8Array.from([1, 2, 3]),
      labels: Int32Array.from([1, -1, 256]),
    });
    const host = new Uint8Array(bytes.length + 1);
    host.set(bytes, 1);
    const odd = decodePartition(host.subarray(1), layout);
    expect(odd.labels).toEqual(Int32Array.from([1, -1, 256]));
    expect(odd.labels.byteOffset % 4).toBe(0);
  });

  it('validates magic, version, lengths and the manifest layout', () => {
    const bytes = encodePartition(part);
    expect(() => decodePartition(bytes.subarray(0, 10), layout)).toThrow(
      'partition is too short: 10 bytes, need at least 20 for the header',
    );
    const badMagic = bytes.slice();
    badMagic[0] = 0x58;
    expect(() => decodePartition(badMagic, layout)).toThrow("partition magic is not 'TSKP'");
    const v2 = bytes.slice();
    v2[4] = 2;
    expect(() => decodePartition(v2, layout)).toThrow('partition version 2 is not supported (expected 1)');
    expect(() => decodePartition(bytes.subarray(0, bytes.length - 1), layout)).toThrow('partition is 35 bytes but its header describes 36');
    expect(() => decodePartition(bytes, { ...layout, features: { dtype: 'float32', shape: [1] } })).toThrow(
      'partition has 3 feature bytes, expected 12 for 3 rows of float32 [1]',
    );
    expect(() => decodePartition(bytes, { ...layout, labels: { dtype: 'int32', shape: [2] } })).toThrow(
      'partition has 12 label bytes, expected 24 for 3 rows of int32 [2]',
    );
    try {
      decodePartition(badMagic, layout);
    } catch (err) {
      expect((err as Error).name).toBe('PartitionFormatError');
    }
  });
});

describe('sha256Hex', () => {
  it('hashes bytes to lowercase hex', () => {
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(new Uint8Array(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
