import { allocLike, shapeSize } from './bytes.js';
import { DatasetArgumentError } from './errors.js';
import { permutation } from './shuffle.js';
import type { DatasetTable, TableColumn } from './types.js';

/** One shard of a table, with the same column metadata as the table it came from. */
export interface TablePartition {
  index: number;
  rows: number;
  features: TableColumn;
  labels: TableColumn;
}

/** Sizes of N nearly equal parts (the first rows % N parts get one extra row), so shards are balanced. */
export function partitionSizes(rows: number, partitions: number): number[] {
  if (!Number.isInteger(partitions) || partitions < 1) {
    throw new DatasetArgumentError(`partitions must be an integer of at least 1, got ${partitions}`);
  }
  if (partitions > rows) {
    throw new DatasetArgumentError(`partitions (${partitions}) cannot exceed the number of rows (${rows})`);
  }
  const base = Math.floor(rows / partitions);
  const extra = rows % partitions;
  return Array.from({ length: partitions }, (_, i) => base + (i < extra ? 1 : 0));
}

/** Shuffles rows with the seed and splits them into balanced shards, one per worker task. */
export function partitionTable(args: { table: DatasetTable; partitions: number; seed: number }): TablePartition[] {
  const { table, partitions, seed } = args;
  const sizes = partitionSizes(table.rows, partitions);
  const order = permutation(table.rows, seed);
  let start = 0;
  return sizes.map((rows, index) => {
    const rowOrder = order.subarray(start, start + rows);
    start += rows;
    return {
      index,
      rows,
      features: { ...table.features, data: gatherRows(table.features, rowOrder) },
      labels: { ...table.labels, data: gatherRows(table.labels, rowOrder) },
    };
  });
}

function gatherRows(column: TableColumn, rowOrder: Uint32Array): TableColumn['data'] {
  const size = shapeSize(column.shape);
  const src = column.data;
  const out = allocLike(src, rowOrder.length * size);
  if (size === 1) {
    for (let k = 0; k < rowOrder.length; k++) out[k] = src[rowOrder[k]];
    return out;
  }
  for (let k = 0; k < rowOrder.length; k++) {
    const r = rowOrder[k] * size;
    out.set(src.subarray(r, r + size), k * size);
  }
  return out;
}
