import * as tf from '@tensorflow/tfjs';
import { checkedRows, type RowIndices } from './checked-rows.js';
import { yieldEvery } from './event-loop-yield.js';
import { internalsOf, standardizedXY } from './layers-model-internals.js';
import { MetricTotals } from './metric-totals.js';
import { TrainingAbortedError } from './training-errors.js';

export interface EvaluateRowsInput {
  model: tf.LayersModel;
  x: tf.Tensor;
  y: tf.Tensor;
  rows: RowIndices;
  batchSize: number;
  signal?: AbortSignal;
  yieldEveryMs?: number;
  /** Put before every name, e.g. `val_`. */
  prefix?: string;
}

/**
 * model.evaluate's numbers (loss and metrics under fit's names) for the given rows, computed batch by batch as its
 * test loop does, but yielding to the event loop so a long evaluation does not starve heartbeats.
 */
export async function evaluateRows({ model, x, y, rows, batchSize, signal, yieldEveryMs = 500, prefix = '' }: EvaluateRowsInput): Promise<Record<string, number>> {
  const internals = internalsOf(model);
  const indices = checkedRows({ rows, x, y, batchSize });
  internals.makeTestFunction();
  const test = internals.testFunction;
  const totals = new MetricTotals(internals.getDedupedMetricsNames(), 'divide');
  const data = standardizedXY({ model, x, y, batchSize });
  const batches = Math.ceil(indices.length / batchSize);
  const maybeYield = yieldEvery(yieldEveryMs);
  try {
    for (let b = 0; b < batches; b++) {
      if (signal?.aborted) throw new TrainingAbortedError(b, batches, { cause: signal.reason });
      const start = b * batchSize;
      const end = Math.min(indices.length, start + batchSize);
      const outs = tf.tidy(() => {
        const idx = tf.tensor1d(indices.subarray(start, end), 'int32');
        return test([tf.gather(data.x, idx), tf.gather(data.y, idx)]);
      });
      totals.add(outs, end - start);
      tf.dispose(outs);
      await maybeYield();
    }
    return await totals.read(prefix);
  } finally {
    totals.dispose();
    data.release();
  }
}
