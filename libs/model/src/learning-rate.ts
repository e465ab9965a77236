import * as tf from '@tensorflow/tfjs';
import type { CompileSpec } from '@tusk/contracts';
import { makeOptimizer } from './compile-settings.js';
import { disposeOptimizer } from './dispose-optimizer.js';

/** The learning rate the compile spec's optimizer starts with (its config's, or the optimizer's default). */
export function baseLearningRate(spec: CompileSpec['optimizer']): number {
  const optimizer = makeOptimizer(spec);
  try {
    return (optimizer as unknown as { learningRate: number }).learningRate;
  } finally {
    disposeOptimizer(optimizer);
  }
}

/**
 * Sets the rate the optimizer's next steps use, keeping its state (moments, step count). SGD and Momentum cache
 * the rate as a tensor that only their `setLearningRate` replaces; the others read `learningRate` at every step.
 * (Not `instanceof SGDOptimizer`: tfjs' optimizers answer instanceof by duck typing, so every one passes it.)
 */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  const sgd = optimizer as Partial<Pick<tf.SGDOptimizer, 'setLearningRate'>>;
  if (typeof sgd.setLearningRate === 'function') sgd.setLearningRate(learningRate);
  else (optimizer as unknown as { learningRate: number }).learningRate = learningRate;
}
