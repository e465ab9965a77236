import { endianness } from 'node:os';
import type { ColumnDtype } from '@tusk/contracts';
import type { ColumnData } from './types.js';

/** Bytes per element of each stored dtype, shared by the codec and the table builders. */
export const COLUMN_BYTES: Record<ColumnDtype, number> = { float32: 4, int32: 4, uint8: 1 };

/** Product of a shape, i.e. the element count of one row or of a whole array. */
export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Copies a byte range into a fresh ArrayBuffer so typed arrays over it are always aligned. */
export function copyBytes(src: Uint8Array, start: number, length: number): ArrayBuffer {
  const out = new Uint8Array(length);
  out.set(src.subarray(start, start + length));
  return out.buffer;
}

/** Guards the zero-copy little-endian paths; every platform Tusk runs on is little-endian. */
export function assertLittleEndianHost(): void {
  if (endianness() !== 'LE') throw new Error('libs/data requires a little-endian host');
}

/** Views typed data as raw bytes without copying, for hashing and encoding. */
export function asBytes(data: ColumnData): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Allocates an empty array of the same dtype, so row gathering keeps the column's dtype. */
export function allocLike(data: ColumnData, length: number): ColumnData {
  if (data instanceof Float32Array) return new Float32Array(length);
  if (data instanceof Int32Array) return new Int32Array(length);
  return new Uint8Array(length);
}
