import { beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { buildModel } from './build-model.js';
import { kerasMetricName, roundMetricNames } from './metric-names.js';
import { disposeModel } from './tiny-models.fixture.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const topology = {
  class_name: 'Sequential',
  config: { layers: [{ class_name: 'Dense', config: { units: 3, activation: 'softmax', batch_input_shape: [null, 4] } }] },
};

describe('roundMetricNames', () => {
  it('lists the loss and the compiled metrics under the names the rounds record, and val_ of each when the job validates', async () => {
    const model = await buildModel({
      topology,
      compile: { optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy', 'mse'] },
      seed: 1,
    });
    expect(roundMetricNames({ model, validates: false })).toEqual(['loss', 'accuracy', 'mse']);
    expect(roundMetricNames({ model, validates: true })).toEqual(['loss', 'accuracy', 'mse', 'val_loss', 'val_accuracy', 'val_mse']);
    disposeModel(model);
  });

  it('renames tfjs’ acc to accuracy only', () => {
    expect(['acc', 'val_acc', 'accuracy', 'mae', 'acc_2'].map(kerasMetricName)).toEqual([
      'accuracy',
      'val_accuracy',
      'accuracy',
      'mae',
      'acc_2',
    ]);
  });
});
