import * as tf from '@tensorflow/tfjs';
import { checkedRows, type RowIndices } from './checked-rows.js';
import { forEachBatch } from './batch-loop.js';
import { internalsOf, standardizedXY } from './layers-model-internals.js';
import { MetricTotals } from './metric-totals.js';

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
export async function evaluateRows({
  model,
  x,
  y,
  rows,
  batchSize,
  signal,
  yieldEveryMs = 500,
  prefix = '',
}: EvaluateRowsInput): Promise<Record<string, number>> {
  const internals = internalsOf(model);
  const indices = checkedRows({ rows, x, y, batchSize });
  internals.makeTestFunction();
  const test = internals.testFunction;
  const totals = new MetricTotals(internals.getDedupedMetricsNames(), 'divide');
  const data = standardizedXY({ model, x, y, batchSize });
  try {
    await forEachBatch({ x: data.x, y: data.y, indices, batchSize, totals, signal, yieldEveryMs, step: (batch) => test(batch) });
    return await totals.read(prefix);
  } finally {
    totals.dispose();
    data.release();
  }
}
