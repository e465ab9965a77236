import * as tf from '@tensorflow/tfjs';
import { yieldEvery } from './event-loop-yield.js';
import type { MetricTotals } from './metric-totals.js';
import { TrainingAbortedError } from './training-errors.js';

/**
 * The batch loop fit's training and evaluate's test loops share: batch b gathers rows `indices[b·size…]` of x and y
 * and hands them to `step` (inside a tidy), whose outputs are added to `totals`. Between batches it stops on an
 * aborted signal and yields to the event loop, so heartbeats and ack extensions keep running.
 */
export async function forEachBatch({
  x,
  y,
  indices,
  batchSize,
  totals,
  signal,
  yieldEveryMs,
  step,
}: {
  x: tf.Tensor;
  y: tf.Tensor;
  indices: Int32Array;
  batchSize: number;
  totals: MetricTotals;
  signal?: AbortSignal;
  yieldEveryMs: number;
  step: (batch: tf.Tensor[], b: number) => tf.Scalar[];
}): Promise<number> {
  const batches = Math.ceil(indices.length / batchSize);
  const maybeYield = yieldEvery(yieldEveryMs);
  for (let b = 0; b < batches; b++) {
    if (signal?.aborted) throw new TrainingAbortedError(b, batches, { cause: signal.reason });
    const start = b * batchSize;
    const end = Math.min(indices.length, start + batchSize);
    const outs = tf.tidy(() => {
      const idx = tf.tensor1d(indices.subarray(start, end), 'int32');
      return step([tf.gather(x, idx), tf.gather(y, idx)], b);
    });
    totals.add(outs, end - start);
    tf.dispose(outs);
    await maybeYield();
  }
  return batches;
}
