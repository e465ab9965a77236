import { DatasetFormatError } from './errors.js';
import type { ColumnData } from './types.js';

/** Turns stored column values into a fresh float32 array times scale, the form tensors are built from on workers. */
export function toFloat32(column: { data: ColumnData; scale: number }): Float32Array {
  const { data, scale } = column;
  const out = new Float32Array(data.length);
  if (scale === 1) {
    out.set(data);
    return out;
  }
  for (let i = 0; i < data.length; i++) out[i] = data[i] * scale;
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
