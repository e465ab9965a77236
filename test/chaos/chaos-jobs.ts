import type { TrainingMode } from '@tusk/contracts';
import { blobsDropoutModel } from '../e2e/synthetic-data.js';

export const CHAOS_PARTITIONS = 3;

/** About ten seconds of training on 3 partitions of the chaos dataset (6,000 rows), so that faults land mid-job. */
export function chaosTraining(mode: TrainingMode, seed: number): Record<string, unknown> {
  if (mode === 'synchronous') return { mode, epochs: 24, batchSize: 16, partitions: CHAOS_PARTITIONS, validationSplit: 0.1, seed };
  return { mode, epochs: 10, batchSize: 16, partitions: CHAOS_PARTITIONS, frequency: 'batch', pushEvery: 2, seed };
}

export const chaosJobBody = ({ datasetId, mode, seed }: { datasetId: string; mode: TrainingMode; seed: number }) => ({
  name: `chaos ${mode} ${seed}`,
  model: blobsDropoutModel,
  compile: { optimizer: { className: 'adam', config: { learning_rate: 0.01 } }, loss: 'categorical_crossentropy', metrics: ['accuracy'] },
  datasetId,
  training: chaosTraining(mode, seed),
});
