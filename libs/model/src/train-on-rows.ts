import * as tf from '@tensorflow/tfjs';
import { checkedRows, type RowIndices } from './checked-rows.js';
import { forEachBatch } from './batch-loop.js';
import { internalsOf, standardizedXY } from './layers-model-internals.js';
import { MetricTotals } from './metric-totals.js';
import { mixSeed } from './seed-mix.js';
import { withSeededRandom } from './seeded-random.js';
import { ModelBusyError } from './training-errors.js';

export interface TrainOnRowsInput {
  /** A compiled model; its optimizer state carries on (see resetOptimizer). */
  model: tf.LayersModel;
  x: tf.Tensor;
  y: tf.Tensor;
  /** Row indices of x and y, trained in this order. */
  rows: RowIndices;
  batchSize: number;
  /** Batch b runs with Math.random seeded from mixSeed(seed, firstBatch + b). */
  seed: number;
  /** Where these rows' first batch stands in the whole pass they are a slice of, for its seed; 0 by default. */
  firstBatch?: number;
  signal?: AbortSignal;
  yieldEveryMs?: number;
}

export interface TrainPass {
  /** fit's epoch logs for this pass: loss and metrics under fit's names (`acc`, not `accuracy`), averaged by batch size. */
  metrics: Record<string, number>;
  samples: number;
  batches: number;
}

/**
 * One pass of fit's training step over the given rows, in order and in batches, with every random op of batch b
 * seeded from mixSeed(seed, firstBatch + b): the weights it leaves are a pure function of weights, optimizer state, data and seed.
 */
export async function trainOnRows({
  model,
  x,
  y,
  rows,
  batchSize,
  seed,
  firstBatch = 0,
  signal,
  yieldEveryMs = 500,
}: TrainOnRowsInput): Promise<TrainPass> {
  const internals = internalsOf(model);
  if (internals.isTraining) throw new ModelBusyError();
  const indices = checkedRows({ rows, x, y, batchSize });
  mixSeed(seed, 0); // refuses a bad seed before any batch runs
  internals.checkTrainableWeightsConsistency();
  const train = internals.makeTrainFunction();
  const totals = new MetricTotals(internals.getDedupedMetricsNames(), 'reciprocal');
  const data = standardizedXY({ model, x, y, batchSize });
  internals.isTraining = true;
  try {
    const batches = await forEachBatch({
      x: data.x,
      y: data.y,
      indices,
      batchSize,
      totals,
      signal,
      yieldEveryMs,
      step: (batch, b) => withSeededRandom(mixSeed(seed, firstBatch + b), () => train(batch)),
    });
    return { metrics: await totals.read(), samples: indices.length, batches };
  } finally {
    internals.isTraining = false;
    totals.dispose();
    data.release();
  }
}
