import * as tf from '@tensorflow/tfjs';

/**
 * optimizer.dispose(), plus the learning-rate scalar that tfjs 4.22's MomentumOptimizer.dispose() forgets (it skips
 * SGDOptimizer.dispose), so a worker that replaces its optimizer every task does not leak a tensor each time.
 */
export function disposeOptimizer(optimizer: tf.Optimizer): void {
  optimizer.dispose();
  if (optimizer instanceof tf.MomentumOptimizer) (optimizer as unknown as { c?: tf.Tensor }).c?.dispose();
}
