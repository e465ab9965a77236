import * as tf from '@tensorflow/tfjs';
import type { CompileSpec } from '@tusk/contracts';
import { ModelSpecError } from './model-spec-error.js';

/** Keras names and tfjs names of the losses Tusk accepts, mapped to tfjs' names. */
const LOSSES: Record<string, string> = {
  categorical_crossentropy: 'categoricalCrossentropy',
  sparse_categorical_crossentropy: 'sparseCategoricalCrossentropy',
  binary_crossentropy: 'binaryCrossentropy',
  mean_squared_error: 'meanSquaredError',
  mse: 'meanSquaredError',
  mean_absolute_error: 'meanAbsoluteError',
  mae: 'meanAbsoluteError',
  mean_absolute_percentage_error: 'meanAbsolutePercentageError',
  mean_squared_logarithmic_error: 'meanSquaredLogarithmicError',
  hinge: 'hinge',
  squared_hinge: 'squaredHinge',
  categorical_hinge: 'categoricalHinge',
  logcosh: 'logcosh',
  log_cosh: 'logcosh',
  kullback_leibler_divergence: 'kullbackLeiblerDivergence',
  kl_divergence: 'kullbackLeiblerDivergence',
  kld: 'kullbackLeiblerDivergence',
  poisson: 'poisson',
  cosine_proximity: 'cosineProximity',
};
for (const v of Object.values(LOSSES)) LOSSES[v] = v;

const METRICS: Record<string, string> = {
  accuracy: 'accuracy',
  acc: 'accuracy',
  categorical_accuracy: 'categoricalAccuracy',
  binary_accuracy: 'binaryAccuracy',
  mse: 'mse',
  mae: 'mae',
  mean_squared_error: 'mse',
  mean_absolute_error: 'mae',
};
for (const v of Object.values(METRICS)) METRICS[v] = v;

type OptimizerFactory = (c: Record<string, number>) => tf.Optimizer;
const num = (c: Record<string, number>, keys: string[], fallback: number): number => {
  for (const k of keys) if (typeof c[k] === 'number') return c[k];
  return fallback;
};
const OPTIMIZERS: Record<string, OptimizerFactory> = {
  adam: (c) =>
    tf.train.adam(
      num(c, ['learning_rate', 'learningRate', 'lr'], 1e-3),
      num(c, ['beta_1', 'beta1'], 0.9),
      num(c, ['beta_2', 'beta2'], 0.999),
      num(c, ['epsilon'], 1e-7),
    ),
  sgd: (c) => {
    const lr = num(c, ['learning_rate', 'learningRate', 'lr'], 0.01);
    const momentum = num(c, ['momentum'], 0);
    return momentum > 0 ? tf.train.momentum(lr, momentum, Boolean(c.nesterov ?? c.useNesterov)) : tf.train.sgd(lr);
  },
  rmsprop: (c) =>
    tf.train.rmsprop(
      num(c, ['learning_rate', 'learningRate', 'lr'], 1e-3),
      num(c, ['rho', 'decay'], 0.9),
      num(c, ['momentum'], 0),
      num(c, ['epsilon'], 1e-7),
      Boolean(c.centered),
    ),
  adagrad: (c) =>
    tf.train.adagrad(
      num(c, ['learning_rate', 'learningRate', 'lr'], 0.01),
      num(c, ['initial_accumulator_value', 'initialAccumulatorValue'], 0.1),
    ),
  adadelta: (c) =>
    tf.train.adadelta(num(c, ['learning_rate', 'learningRate', 'lr'], 1e-3), num(c, ['rho'], 0.95), num(c, ['epsilon'], 1e-7)),
  adamax: (c) =>
    tf.train.adamax(
      num(c, ['learning_rate', 'learningRate', 'lr'], 2e-3),
      num(c, ['beta_1', 'beta1'], 0.9),
      num(c, ['beta_2', 'beta2'], 0.999),
      num(c, ['epsilon'], 1e-7),
    ),
};

/** tfjs' name for a Keras or tfjs loss, or a ModelSpecError naming `compile.loss`. */
export function normalizeLoss(loss: string): string {
  const found = typeof loss === 'string' && Object.hasOwn(LOSSES, loss) ? LOSSES[loss] : undefined;
  if (!found)
    throw new ModelSpecError(
      'compile.loss',
      `unknown loss "${loss}"; known: ${Object.keys(LOSSES)
        .filter((k) => k.includes('_') || k.length < 5)
        .join(', ')}`,
    );
  return found;
}

export function normalizeMetrics(metrics: string[]): string[] {
  return metrics.map((m, i) => {
    const found = typeof m === 'string' && Object.hasOwn(METRICS, m) ? METRICS[m] : undefined;
    if (!found) throw new ModelSpecError(`compile.metrics[${i}]`, `unknown metric "${m}"; known: ${Object.keys(METRICS).join(', ')}`);
    return found;
  });
}

/** Builds the optimizer from a Keras-style name or `{className, config}`; unknown names are refused. */
export function makeOptimizer(spec: CompileSpec['optimizer']): tf.Optimizer {
  const className = typeof spec === 'string' ? spec : spec.className;
  const config = (typeof spec === 'string' ? {} : (spec.config ?? {})) as Record<string, number>;
  const name = typeof className === 'string' ? className.toLowerCase() : '';
  const factory = Object.hasOwn(OPTIMIZERS, name) ? OPTIMIZERS[name] : undefined;
  if (!factory)
    throw new ModelSpecError('compile.optimizer', `unknown optimizer "${className}"; known: ${Object.keys(OPTIMIZERS).join(', ')}`);
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    throw new ModelSpecError('compile.optimizer.config', 'must be an object');
  for (const [k, v] of Object.entries(config)) {
    if (typeof v !== 'number' && typeof v !== 'boolean') throw new ModelSpecError(`compile.optimizer.config.${k}`, 'must be a number');
  }
  return factory(config);
}
