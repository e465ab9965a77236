import type * as tf from '@tensorflow/tfjs';
import { TrainingArgumentError } from './training-errors.js';

export type RowIndices = Uint32Array | Int32Array | readonly number[];

/** The rows as int32 gather indices, after checking them and the batch size against x and y. */
export function checkedRows({ rows, x, y, batchSize }: { rows: RowIndices; x: tf.Tensor; y: tf.Tensor; batchSize: number }): Int32Array {
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new TrainingArgumentError(`batchSize must be a positive integer, got ${batchSize}`);
  const n = x.shape[0];
  if (y.shape[0] !== n) throw new TrainingArgumentError(`x has ${n} rows but y has ${y.shape[0]}`);
  const indices = Int32Array.from(rows);
  for (let i = 0; i < indices.length; i++) {
    const r = rows[i];
    if (!Number.isInteger(r) || r < 0 || r >= n) throw new TrainingArgumentError(`rows[${i}] = ${r} is not a row of x (0..${n - 1})`);
  }
  return indices;
}
