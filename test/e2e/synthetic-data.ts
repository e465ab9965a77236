import { seededRandom } from '@tusk/data';

/** A small, learnable 3-class problem as CSV: three Gaussian blobs in 4 dimensions. */
export function blobsCsv({ rows, seed }: { rows: number; seed: number }): string {
  const rand = seededRandom(seed);
  const centers = [
    [2, 0, 0, 1],
    [-2, 1, 0, -1],
    [0, -2, 2, 0],
  ];
  const lines = ['f0,f1,f2,f3,label'];
  for (let i = 0; i < rows; i++) {
    const label = i % 3;
    const f = centers[label].map((c) => (c + (rand() - 0.5) * 1.5).toFixed(4));
    lines.push(`${f.join(',')},${label}`);
  }
  return lines.join('\n');
}

/** The model a Keras user would write for it, as tfjs' `model.toJSON()` topology. */
export const blobsModel = {
  class_name: 'Sequential',
  config: {
    name: 'blobs',
    layers: [
      { class_name: 'Dense', config: { units: 16, activation: 'relu', batch_input_shape: [null, 4], name: 'hidden' } },
      { class_name: 'Dense', config: { units: 3, activation: 'softmax', name: 'out' } },
    ],
  },
};

/** The same model with Dropout, so the seeding of its masks is part of what must repeat. */
export const blobsDropoutModel = {
  class_name: 'Sequential',
  config: {
    name: 'blobs_dropout',
    layers: [blobsModel.config.layers[0], { class_name: 'Dropout', config: { rate: 0.2, name: 'drop' } }, blobsModel.config.layers[1]],
  },
};
