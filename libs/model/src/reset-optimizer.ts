import type * as tf from '@tensorflow/tfjs';
import type { CompileSpec } from '@tusk/contracts';
import { makeOptimizer } from './compile-settings.js';
import { disposeOptimizer } from './dispose-optimizer.js';
import { TrainingArgumentError } from './training-errors.js';

/**
 * Gives a compiled model a fresh optimizer built from its compile spec and disposes the old one, so no optimizer
 * state (Adam's moments, step counts) carries from one task to the next. tfjs' train function reads the optimizer
 * at every step, so the next batch already uses the new one.
 */
export function resetOptimizer({ model, compile }: { model: tf.LayersModel; compile: CompileSpec }): void {
  const old = model.optimizer;
  if (old == null) throw new TrainingArgumentError('the model is not compiled: compile it before resetting its optimizer');
  const fresh = makeOptimizer(compile.optimizer);
  model.optimizer = fresh;
  disposeOptimizer(old);
}
