import type { TrainingMode } from '@tusk/contracts';

/** The blobs model with Dropout, so seeded masks are part of what a synchronous run must repeat. */
export const chaosModel = {
  class_name: 'Sequential',
  config: {
    name: 'chaos_blobs',
    layers: [
      { class_name: 'Dense', config: { units: 16, activation: 'relu', batch_input_shape: [null, 4], name: 'hidden' } },
      { class_name: 'Dropout', config: { rate: 0.2, name: 'drop' } },
      { class_name: 'Dense', config: { units: 3, activation: 'softmax', name: 'out' } },
    ],
  },
};

export const CHAOS_PARTITIONS = 3;

/** About ten seconds of training on 3 partitions of the chaos dataset (6,000 rows), so that faults land mid-job. */
export function chaosTraining(mode: TrainingMode, seed: number): Record<string, unknown> {
  if (mode === 'synchronous') return { mode, epochs: 24, batchSize: 16, partitions: CHAOS_PARTITIONS, validationSplit: 0.1, seed };
  return { mode, epochs: 10, batchSize: 16, partitions: CHAOS_PARTITIONS, frequency: 'batch', pushEvery: 2, seed };
}

export const chaosJobBody = ({ datasetId, mode, seed }: { datasetId: string; mode: TrainingMode; seed: number }) => ({
  name: `chaos ${mode} ${seed}`,
  model: chaosModel,
  compile: { optimizer: { className: 'adam', config: { learning_rate: 0.01 } }, loss: 'categorical_crossentropy', metrics: ['accuracy'] },
  datasetId,
  training: chaosTraining(mode, seed),
});
