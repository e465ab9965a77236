import * as tf from '@tensorflow/tfjs';
import { TrainingArgumentError } from './training-errors.js';

/** The members of LayersModel that fit() and evaluate() drive, which tfjs' .d.ts marks protected or private. */
interface LayersModelInternals {
  /** One optimizer step on [x, y]; returns [loss, ...metrics] as fit's loop receives them. */
  makeTrainFunction(): (data: tf.Tensor[]) => tf.Scalar[];
  /** Sets `testFunction`: [x, y] → [loss, ...metrics] without training, as evaluate's loop calls it. */
  makeTestFunction(): void;
  testFunction: (data: tf.Tensor[]) => tf.Scalar[];
  /** fit's names for those outputs: its history keys. */
  getDedupedMetricsNames(): string[];
  /** fit refuses to start while this is set. */
  isTraining: boolean;
  /** Warns when layers' `trainable` changed since compile, as fit does. */
  checkTrainableWeightsConsistency(): void;
  /** fit's input check: shapes against the model, targets against the loss; rank-1 tensors come back expanded. */
  standardizeUserDataXY(x: tf.Tensor, y: tf.Tensor, checkBatchAxis: boolean, batchSize: number): [tf.Tensor[], tf.Tensor[]];
}

/**
 * A compiled model's internals; throws if the model is not compiled or tfjs renamed them (see its training.js).
 * A Sequential delegates fit and compile to the LayersModel it wraps, so its internals are that model's.
 */
export function internalsOf(model: tf.LayersModel): LayersModelInternals {
  if (model.optimizer == null) throw new TrainingArgumentError('the model is not compiled');
  const wrapped = (model as unknown as { model?: unknown }).model;
  const m = (model instanceof tf.Sequential && wrapped ? wrapped : model) as unknown as LayersModelInternals;
  for (const name of [
    'makeTrainFunction',
    'makeTestFunction',
    'getDedupedMetricsNames',
    'checkTrainableWeightsConsistency',
    'standardizeUserDataXY',
  ] as const) {
    if (typeof m[name] !== 'function') throw new Error(`this tfjs LayersModel has no ${name}(): the seeded training loop needs updating`);
  }
  return m;
}

/**
 * x and y as fit trains on them, after fit's own checks (so a wrong shape fails with tfjs' message, not deep in an
 * op); `release` frees the tensors standardizing made (rank-1 inputs expanded to rank 2).
 */
export function standardizedXY({ model, x, y, batchSize }: { model: tf.LayersModel; x: tf.Tensor; y: tf.Tensor; batchSize: number }): {
  x: tf.Tensor;
  y: tf.Tensor;
  release: () => void;
} {
  const [[sx], [sy]] = internalsOf(model).standardizeUserDataXY(x, y, false, batchSize);
  return { x: sx, y: sy, release: () => tf.dispose([sx, sy].filter((t) => t !== x && t !== y)) };
}
