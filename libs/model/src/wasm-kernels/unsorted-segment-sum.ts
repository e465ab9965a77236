import * as tf from '@tensorflow/tfjs';
import { asTensor } from './util.js';

/**
 * out[s, ...] = sum of x[i, ...] over i with segmentIds[i] == s (the gradient of gather / Embedding).
 *
 * Runs on the wasm ScatterNd kernel, which accumulates duplicate indices. Ids outside [0, numSegments)
 * are dropped, as in TensorFlow: they are redirected to one extra scratch row that is sliced off, so the
 * scatter never writes out of bounds. `segmentIds` may have any rank r <= rank(x); it indexes x's first r axes.
 */
export function unsortedSegmentSum(x: tf.Tensor, segmentIds: tf.Tensor, numSegments: number): tf.Tensor {
  const idRank = segmentIds.rank;
  const n = segmentIds.size;
  const rest = x.shape.slice(idRank);
  const ids = tf.cast(tf.reshape(segmentIds, [n]), 'int32');
  const valid = tf.logicalAnd(tf.greaterEqual(ids, 0), tf.less(ids, numSegments));
  const safeIds = tf.where(valid, ids, tf.fill([n], numSegments, 'int32'));
  const updates = tf.reshape(x, [n, ...rest]);
  const scattered = tf.scatterND(tf.reshape(safeIds, [n, 1]), updates, [numSegments + 1, ...rest]);
  return tf.slice(scattered, 0, numSegments);
}

export const unsortedSegmentSumKernel: tf.KernelFunc = ({ inputs, attrs }) => {
  const { numSegments } = attrs as unknown as tf.UnsortedSegmentSumAttrs;
  return tf.tidy(() => unsortedSegmentSum(asTensor(inputs.x, 'x'), asTensor(inputs.segmentIds, 'segmentIds'), numSegments));
};
