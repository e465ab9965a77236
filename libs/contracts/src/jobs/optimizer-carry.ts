import type { TrainingSpec } from './job-record.js';

/**
 * Whether round `round`'s tasks start from the optimizer state their partition ended the previous round with: always
 * with `optimizerState: "partition"`; with `reset`, from slice to slice within an epoch (so one partition with local SGD
 * trains as one without), fresh at each epoch's start.
 */
export function carriesOptimizerState(training: Pick<TrainingSpec, 'optimizerState' | 'roundsPerEpoch'>, round: number): boolean {
  if (round === 0) return false;
  return training.optimizerState === 'partition' || round % (training.roundsPerEpoch ?? 1) !== 0;
}
