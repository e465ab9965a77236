import * as tf from '@tensorflow/tfjs';
import type { DatasetManifest } from '@tusk/contracts';
import { decodePartition, oneHot, toFloat32 } from '@tusk/data';
import { normalizeLoss } from '@tusk/model';

const ONE_HOT_LOSSES = new Set(['categoricalCrossentropy', 'categoricalHinge']);

export interface PartitionTensors {
  x: tf.Tensor;
  y: tf.Tensor;
  rows: number;
  bytes: number;
}

/** Row indices 0..n-1: every row of a partition, in order. */
export const allRows = (n: number): Uint32Array => Uint32Array.from({ length: n }, (_, i) => i);

/** Concatenated rows of several encoded partitions, as the model's input and the loss's target tensors. */
export function partitionTensors({
  parts,
  manifest,
  inputShape,
  outputUnits,
  loss,
}: {
  parts: Uint8Array[];
  manifest: DatasetManifest;
  inputShape: number[];
  outputUnits: number;
  loss: string;
}): PartitionTensors {
  const decoded = parts.map((p) => decodePartition(p, manifest));
  const rows = decoded.reduce((n, d) => n + d.rows, 0);
  const rowSize = manifest.features.shape.reduce((a, b) => a * b, 1);
  const features = new Float32Array(rows * rowSize);
  let offset = 0;
  for (const d of decoded) {
    // Straight into the one buffer: on these VMs each fresh 100 MB array costs ~0.35 s of first-touch page faults.
    toFloat32({ data: d.features, scale: manifest.features.scale }, features, offset);
    offset += d.rows * rowSize;
  }
  const labels = concatLabels(decoded.map((d) => d.labels));
  const tfLoss = normalizeLoss(loss);
  const x = tf.tensor(features, [rows, ...inputShape], 'float32');
  let y: tf.Tensor;
  if (manifest.labels.numClasses !== undefined && ONE_HOT_LOSSES.has(tfLoss)) {
    y = tf.tensor2d(oneHot(Int32Array.from(labels), outputUnits), [rows, outputUnits]);
  } else {
    const scale = manifest.labels.numClasses !== undefined ? 1 : manifest.labels.scale;
    if (scale !== 1) for (let i = 0; i < labels.length; i++) labels[i] *= scale;
    y = tf.tensor(labels, [rows, Math.max(1, labels.length / rows)], 'float32');
  }
  return { x, y, rows, bytes: x.size * 4 + y.size * 4 };
}

/** Labels of several partitions in one buffer (class ids up to 2^24 are exact in float32). */
function concatLabels(parts: ArrayLike<number>[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
