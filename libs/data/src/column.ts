import type { ColumnDtype } from '@tusk/contracts';
import { DatasetFormatError } from './errors.js';
import type { ColumnData, RawArray } from './types.js';

/** Narrows a parsed array to a stored dtype (float32 / int32 / uint8) so workers only ever decode three types. */
export function toColumnData(raw: RawArray, what: string): { dtype: ColumnDtype; data: ColumnData } {
  const src = raw.data;
  switch (raw.dtype) {
    case 'uint8':
      return { dtype: 'uint8', data: src as Uint8Array };
    case 'float32':
    case 'float64': {
      const out = src instanceof Float32Array ? src : Float32Array.from(src as Float64Array);
      for (let i = 0; i < out.length; i++) {
        if (!Number.isFinite(out[i])) {
          const v = (src as Float32Array | Float64Array)[i];
          const why = Number.isNaN(v) ? 'NaN' : Number.isFinite(v) ? 'out of float32 range' : 'infinite';
          throw new DatasetFormatError(`${what} value at element ${i} is ${why}`);
        }
      }
      return { dtype: 'float32', data: out };
    }
    case 'int64': {
      const big = src as BigInt64Array;
      const out = new Int32Array(big.length);
      for (let i = 0; i < big.length; i++) {
        const v = big[i];
        if (v < -2147483648n || v > 2147483647n) {
          throw new DatasetFormatError(`${what} int64 value ${v} at element ${i} does not fit in int32`);
        }
        out[i] = Number(v);
      }
      return { dtype: 'int32', data: out };
    }
    case 'int32':
      return { dtype: 'int32', data: src as Int32Array };
    default: // int8, int16, bool
      return { dtype: 'int32', data: Int32Array.from(src as Int8Array | Int16Array | Uint8Array) };
  }
}

/** Splits an array shape into row count and per-row shape, rejecting scalars, empty datasets and empty rows. */
export function splitRows(shape: number[], what: string): { rows: number; rowShape: number[] } {
  if (shape.length === 0) throw new DatasetFormatError(`${what} must have a row dimension, got a scalar`);
  const [rows, ...rowShape] = shape;
  if (rows === 0) throw new DatasetFormatError(`${what} have 0 rows: the dataset is empty`);
  if (rowShape.some((d) => d === 0)) throw new DatasetFormatError(`${what} have an empty row shape [${rowShape.join(', ')}]`);
  return { rows, rowShape };
}

/** Number of classes (max + 1) of integer labels, or undefined if any label is negative; lets workers one-hot. */
export function classCount(data: Int32Array): number | undefined {
  let max = -1;
  for (let i = 0; i < data.length; i++) {
    if (data[i] < 0) return undefined;
    if (data[i] > max) max = data[i];
  }
  return max + 1;
}
