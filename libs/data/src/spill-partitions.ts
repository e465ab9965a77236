import { join } from 'node:path';
import { COLUMN_BYTES, shapeSize } from './bytes.js';
import { gatherSpillRows, type CsvSpill } from './csv-spill.js';
import { PARTITION_HEADER_BYTES, PARTITION_MAGIC, PARTITION_VERSION } from './partition-codec.js';
import { partitionSizes } from './partition.js';
import { permutation } from './shuffle.js';

/** One partition of a spilled CSV: its size up front, its encoded bytes (as encodePartition lays them out) on demand. */
export interface SpilledPartition {
  index: number;
  rows: number;
  bytes: number;
  chunks: () => Generator<Uint8Array>;
}

const pad4 = (n: number) => (n + 3) & ~3;

/** Splits a spilled CSV like partitionTable splits a table (same seeded permutation, same sizes), one chunk in memory at a time. */
export function spillPartitions(spill: CsvSpill, partitions: number, seed: number): SpilledPartition[] {
  const sizes = partitionSizes(spill.rows, partitions);
  const order = permutation(spill.rows, seed);
  const featureWidth = shapeSize(spill.features.shape);
  const labelWidth = spill.layout.labelIdx.length;
  let start = 0;
  return sizes.map((rows, index) => {
    const rowOrder = order.subarray(start, start + rows);
    start += rows;
    const featureBytes = rows * featureWidth * 4;
    const labelBytes = rows * labelWidth * COLUMN_BYTES[spill.labels.dtype];
    const chunks = function* (): Generator<Uint8Array> {
      const header = new Uint8Array(PARTITION_HEADER_BYTES);
      const view = new DataView(header.buffer);
      header.set(PARTITION_MAGIC, 0);
      view.setUint32(4, PARTITION_VERSION, true);
      view.setUint32(8, rows, true);
      view.setUint32(12, featureBytes, true);
      view.setUint32(16, labelBytes, true);
      yield header;
      yield* gatherSpillRows(join(spill.dir, 'features'), featureWidth * 4, rowOrder);
      if (pad4(featureBytes) > featureBytes) yield new Uint8Array(pad4(featureBytes) - featureBytes);
      for (const raw of gatherSpillRows(join(spill.dir, 'labels'), labelWidth * 8, rowOrder)) {
        const values = new Float64Array(raw.buffer, raw.byteOffset, raw.byteLength / 8);
        const narrowed = spill.labels.dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values);
        yield new Uint8Array(narrowed.buffer);
      }
    };
    return { index, rows, bytes: PARTITION_HEADER_BYTES + pad4(featureBytes) + labelBytes, chunks };
  });
}
