import type * as tf from '@tensorflow/tfjs';
import { permutation } from '@tusk/data';
import { evaluateRows } from './evaluate-rows.js';
import { mixSeed } from './seed-mix.js';
import { trainOnRows } from './train-on-rows.js';
import { TrainingArgumentError } from './training-errors.js';

export interface TrainEpochsInput {
  /** A compiled model; its optimizer state carries on (see resetOptimizer). */
  model: tf.LayersModel;
  x: tf.Tensor;
  y: tf.Tensor;
  epochs: number;
  batchSize: number;
  seed: number;
  /** Keras' validation_split: the last fraction of the rows, taken before shuffling, is held out and evaluated. */
  validationSplit?: number;
  signal?: AbortSignal;
  yieldEveryMs?: number;
  /** Called after each epoch with its index and metrics, before the next one starts (e.g. to score a test set). */
  onEpochEnd?: (epoch: number, metrics: Record<string, number>) => void | Promise<void>;
}

export interface TrainEpochsResult {
  /** The last epoch's loss and metrics under fit's names, plus `val_*` when rows were held out. */
  metrics: Record<string, number>;
  /** Every epoch's loss and metrics, as fit's history holds them (without `val_*`). */
  epochMetrics: Record<string, number>[];
  trainRows: number;
  validationRows: number;
}

/**
 * model.fit with shuffle and every random op driven by `seed`: epoch e trains the training rows in the order
 * permutation(trainRows, mixSeed(seed, e)), batch b of it seeded by mixSeed(seed, e, b), so the final weights are a
 * pure function of the starting weights and optimizer, the data, the settings and the seed.
 */
export async function trainEpochs({
  model,
  x,
  y,
  epochs,
  batchSize,
  seed,
  validationSplit = 0,
  signal,
  yieldEveryMs = 500,
  onEpochEnd,
}: TrainEpochsInput): Promise<TrainEpochsResult> {
  if (!Number.isInteger(epochs) || epochs < 0) throw new TrainingArgumentError(`epochs must be a non-negative integer, got ${epochs}`);
  if (!(validationSplit >= 0 && validationSplit < 1))
    throw new TrainingArgumentError(`validationSplit must be in [0, 1), got ${validationSplit}`);
  const rows = x.shape[0];
  // fit's own split point, so the held-out rows are exactly the ones fit would hold out.
  const trainRows = validationSplit > 0 ? Math.floor(rows * (1 - validationSplit)) : rows;
  const epochMetrics: Record<string, number>[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    const epochSeed = mixSeed(seed, epoch);
    const order = permutation(trainRows, epochSeed);
    // trainOnRows seeds batch b with mixSeed(epochSeed, b), which is mixSeed(seed, epoch, b).
    const pass = await trainOnRows({ model, x, y, rows: order, batchSize, seed: epochSeed, signal, yieldEveryMs });
    epochMetrics.push(pass.metrics);
    await onEpochEnd?.(epoch, pass.metrics);
  }
  let metrics = epochMetrics.at(-1) ?? {};
  if (trainRows < rows) {
    const heldOut = Uint32Array.from({ length: rows - trainRows }, (_, i) => trainRows + i);
    const validation = await evaluateRows({ model, x, y, rows: heldOut, batchSize, signal, yieldEveryMs, prefix: 'val_' });
    metrics = { ...metrics, ...validation };
  }
  return { metrics, epochMetrics, trainRows, validationRows: rows - trainRows };
}
