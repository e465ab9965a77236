import type { ColumnDtype, ColumnSpec } from '@tusk/contracts';
import { asBytes, assertLittleEndianHost, COLUMN_BYTES, copyBytes, shapeSize } from './bytes.js';
import { PartitionFormatError } from './errors.js';
import type { ColumnData } from './types.js';

/** 'TSKP' */
export const PARTITION_MAGIC = new Uint8Array([0x54, 0x53, 0x4b, 0x50]);
export const PARTITION_VERSION = 1;
export const PARTITION_HEADER_BYTES = 20;

/** The column facts needed to decode a partition; a DatasetManifest satisfies this. */
export interface PartitionLayout {
  features: Pick<ColumnSpec, 'dtype' | 'shape'>;
  labels: Pick<ColumnSpec, 'dtype' | 'shape'>;
}

/** A decoded partition, ready to be turned into tensors. */
export interface DecodedPartition {
  rows: number;
  features: ColumnData;
  labels: ColumnData;
}

const pad4 = (n: number) => (n + 3) & ~3;

/**
 * Serialises a partition for S3: 'TSKP', u32 LE version, rows, featureBytes, labelBytes, then feature bytes
 * padded to 4, then label bytes; the padding keeps both sections 4-byte aligned for zero-copy decoding.
 */
export function encodePartition(part: { rows: number; features: { data: ColumnData }; labels: { data: ColumnData } }): Uint8Array {
  assertLittleEndianHost();
  const features = asBytes(part.features.data);
  const labels = asBytes(part.labels.data);
  const labelStart = PARTITION_HEADER_BYTES + pad4(features.length);
  const out = new Uint8Array(labelStart + labels.length);
  const view = new DataView(out.buffer);
  out.set(PARTITION_MAGIC, 0);
  view.setUint32(4, PARTITION_VERSION, true);
  view.setUint32(8, part.rows, true);
  view.setUint32(12, features.length, true);
  view.setUint32(16, labels.length, true);
  out.set(features, PARTITION_HEADER_BYTES);
  out.set(labels, labelStart);
  return out;
}

/** Parses and validates partition bytes against the manifest's column specs, so a bad blob fails loudly. */
export function decodePartition(bytes: Uint8Array, layout: PartitionLayout): DecodedPartition {
  assertLittleEndianHost();
  if (bytes.length < PARTITION_HEADER_BYTES) {
    throw new PartitionFormatError(`partition is too short: ${bytes.length} bytes, need at least ${PARTITION_HEADER_BYTES} for the header`);
  }
  if (PARTITION_MAGIC.some((b, i) => bytes[i] !== b)) throw new PartitionFormatError("partition magic is not 'TSKP'");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== PARTITION_VERSION) {
    throw new PartitionFormatError(`partition version ${version} is not supported (expected ${PARTITION_VERSION})`);
  }
  const rows = view.getUint32(8, true);
  const featureBytes = view.getUint32(12, true);
  const labelBytes = view.getUint32(16, true);
  const labelStart = PARTITION_HEADER_BYTES + pad4(featureBytes);
  const expected = labelStart + labelBytes;
  if (bytes.length !== expected) {
    throw new PartitionFormatError(`partition is ${bytes.length} bytes but its header describes ${expected}`);
  }
  checkSection('feature', featureBytes, rows, layout.features);
  checkSection('label', labelBytes, rows, layout.labels);
  return {
    rows,
    features: typedView(bytes, PARTITION_HEADER_BYTES, featureBytes, layout.features.dtype),
    labels: typedView(bytes, labelStart, labelBytes, layout.labels.dtype),
  };
}

function checkSection(what: string, actual: number, rows: number, spec: Pick<ColumnSpec, 'dtype' | 'shape'>): void {
  const expected = rows * shapeSize(spec.shape) * COLUMN_BYTES[spec.dtype];
  if (actual !== expected) {
    throw new PartitionFormatError(
      `partition has ${actual} ${what} bytes, expected ${expected} for ${rows} rows of ${spec.dtype} [${spec.shape.join(', ')}]`,
    );
  }
}

function typedView(bytes: Uint8Array, start: number, length: number, dtype: ColumnDtype): ColumnData {
  const size = COLUMN_BYTES[dtype];
  const aligned = (bytes.byteOffset + start) % size === 0;
  const buffer = aligned ? bytes.buffer : copyBytes(bytes, start, length);
  const offset = aligned ? bytes.byteOffset + start : 0;
  if (dtype === 'float32') return new Float32Array(buffer, offset, length / 4);
  if (dtype === 'int32') return new Int32Array(buffer, offset, length / 4);
  return new Uint8Array(buffer, offset, length);
}
