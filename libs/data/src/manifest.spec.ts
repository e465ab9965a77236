import { describe, expect, it } from '@jest/globals';
import { buildManifest } from './manifest.js';
import type { DatasetTable } from './types.js';

const table: DatasetTable = {
  rows: 5,
  features: { dtype: 'float32', shape: [2], scale: 1, data: new Float32Array(10), names: ['a', 'b'] },
  labels: { dtype: 'int32', shape: [], scale: 1, data: new Int32Array(5), numClasses: 3, names: ['y'] },
};
const parts = [
  { index: 1, key: 'datasets/d1/part-00001.bin', rows: 2, bytes: 44, sha256: 'bb' },
  { index: 0, key: 'datasets/d1/part-00000.bin', rows: 3, bytes: 56, sha256: 'aa' },
];

describe('buildManifest', () => {
  it('describes the columns and the parts in index order', () => {
    const manifest = buildManifest({ id: 'd1', name: 'toy', format: 'csv', seed: 7, table, parts, createdAt: '2024-01-02T03:04:05Z' });
    expect(manifest).toEqual({
      id: 'd1',
      name: 'toy',
      format: 'csv',
      createdAt: '2024-01-02T03:04:05.000Z',
      rows: 5,
      seed: 7,
      features: { dtype: 'float32', shape: [2], scale: 1, names: ['a', 'b'] },
      labels: { dtype: 'int32', shape: [], scale: 1, numClasses: 3, names: ['y'] },
      partitions: [parts[1], parts[0]],
    });
  });

  it('omits absent optional fields from the JSON', () => {
    const idx: DatasetTable = {
      rows: 1,
      features: { dtype: 'uint8', shape: [28, 28], scale: 1 / 255, data: new Uint8Array(784) },
      labels: { dtype: 'int32', shape: [], scale: 1, data: new Int32Array(1), numClasses: 10 },
    };
    const manifest = buildManifest({
      id: 'm',
      name: 'mnist',
      format: 'idx',
      seed: 1,
      table: idx,
      parts: [{ ...parts[0], index: 0, rows: 1 }],
    });
    expect(JSON.parse(JSON.stringify(manifest.features))).toEqual({ dtype: 'uint8', shape: [28, 28], scale: 1 / 255 });
    expect(Number.isNaN(Date.parse(manifest.createdAt))).toBe(false);
  });

  it('rejects parts that do not cover the table', () => {
    expect(() => buildManifest({ id: 'd1', name: 'toy', format: 'csv', seed: 7, table, parts: [parts[0]] })).toThrow(
      'partition indexes must be 0..0, found 1 at position 0',
    );
    expect(() =>
      buildManifest({ id: 'd1', name: 'toy', format: 'csv', seed: 7, table, parts: [parts[1], { ...parts[0], rows: 1 }] }),
    ).toThrow('partitions hold 4 rows but the table has 5');
  });
});
