import { describe, expect, it } from '@jest/globals';
import { partitionSizes, partitionTable } from './partition.js';
import type { DatasetTable } from './types.js';

/** 10 rows; features row r = [10r, 10r + 1], label r = r, so every row can be traced after shuffling. */
function table(): DatasetTable {
  return {
    rows: 10,
    features: { dtype: 'float32', shape: [2], scale: 1, data: Float32Array.from({ length: 20 }, (_, i) => 10 * (i >> 1) + (i & 1)) },
    labels: { dtype: 'int32', shape: [], scale: 1, data: Int32Array.from({ length: 10 }, (_, i) => i), numClasses: 10 },
  };
}

describe('partitionSizes', () => {
  it('splits into parts that differ by at most one row', () => {
    expect(partitionSizes(10, 3)).toEqual([4, 3, 3]);
    expect(partitionSizes(10, 4)).toEqual([3, 3, 2, 2]);
    expect(partitionSizes(9, 3)).toEqual([3, 3, 3]);
    expect(partitionSizes(5, 5)).toEqual([1, 1, 1, 1, 1]);
    expect(partitionSizes(7, 1)).toEqual([7]);
  });

  it('rejects partition counts outside 1..rows', () => {
    expect(() => partitionSizes(10, 0)).toThrow('partitions must be an integer of at least 1, got 0');
    expect(() => partitionSizes(10, 2.5)).toThrow('partitions must be an integer of at least 1, got 2.5');
    expect(() => partitionSizes(10, 11)).toThrow('partitions (11) cannot exceed the number of rows (10)');
  });
});

describe('partitionTable', () => {
  it('shuffles with the seed (order 6,5,8,1,2,3,4,7,9,0 for seed 7) and splits 4/3/3', () => {
    const parts = partitionTable({ table: table(), partitions: 3, seed: 7 });
    expect(parts.map((p) => [p.index, p.rows])).toEqual([
      [0, 4],
      [1, 3],
      [2, 3],
    ]);
    expect(Array.from(parts[0].labels.data)).toEqual([6, 5, 8, 1]);
    expect(Array.from(parts[1].labels.data)).toEqual([2, 3, 4]);
    expect(Array.from(parts[2].labels.data)).toEqual([7, 9, 0]);
    expect(parts[0].features.data).toEqual(Float32Array.from([60, 61, 50, 51, 80, 81, 10, 11]));
    expect(parts[2].features.data).toEqual(Float32Array.from([70, 71, 90, 91, 0, 1]));
  });

  it('keeps column metadata and dtypes, and is deterministic', () => {
    const [first] = partitionTable({ table: table(), partitions: 2, seed: 3 });
    expect(first.features.data).toBeInstanceOf(Float32Array);
    expect(first.labels).toMatchObject({ dtype: 'int32', shape: [], scale: 1, numClasses: 10 });
    expect(first.labels.data).toBeInstanceOf(Int32Array);
    const again = partitionTable({ table: table(), partitions: 2, seed: 3 });
    expect(again[0].labels.data).toEqual(first.labels.data);
    const other = partitionTable({ table: table(), partitions: 2, seed: 4 });
    expect(Array.from(other[0].labels.data)).not.toEqual(Array.from(first.labels.data));
  });

  it('covers every row exactly once', () => {
    const parts = partitionTable({ table: table(), partitions: 4, seed: 99 });
    const all = parts.flatMap((p) => Array.from(p.labels.data)).sort((a, b) => a - b);
    expect(all).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('keeps uint8 image rows intact', () => {
    const t: DatasetTable = {
      rows: 3,
      features: { dtype: 'uint8', shape: [2, 2], scale: 1 / 255, data: Uint8Array.from([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]) },
      labels: { dtype: 'int32', shape: [], scale: 1, data: Int32Array.from([0, 1, 2]) },
    };
    for (const p of partitionTable({ table: t, partitions: 1, seed: 5 })) {
      const labels = Array.from(p.labels.data);
      expect(Array.from(p.features.data)).toEqual(labels.flatMap((l) => [l, l, l, l]));
      expect(p.features.data).toBeInstanceOf(Uint8Array);
    }
  });
});
