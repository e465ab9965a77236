import { DatasetFormatError } from './errors.js';
import type { ColumnData } from './types.js';

/**
 * Turns stored column values into float32 times scale, the form tensors are built from on workers: into `out` at
 * `offset` when given (several partitions into one buffer, with no array in between), else into a fresh array.
 */
export function toFloat32(
  column: { data: ColumnData; scale: number },
  out = new Float32Array(column.data.length),
  offset = 0,
): Float32Array {
  const { data, scale } = column;
  if (offset + data.length > out.length) throw new RangeError(`${data.length} values do not fit at ${offset} of ${out.length}`);
  if (scale === 1) {
    out.set(data, offset);
    return out;
  }
  for (let i = 0; i < data.length; i++) out[offset + i] = data[i] * scale;
  return out;
}

/** One-hot encodes class labels into [n, numClasses] float32, the target form for categorical cross-entropy. */
export function oneHot(labels: Int32Array, numClasses: number): Float32Array {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new DatasetFormatError(`numClasses must be a positive integer, got ${numClasses}`);
  }
  const out = new Float32Array(labels.length * numClasses);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (label < 0 || label >= numClasses) {
      throw new DatasetFormatError(`label ${label} at row ${i} is outside [0, ${numClasses})`);
    }
    out[i * numClasses + label] = 1;
  }
  return out;
}
