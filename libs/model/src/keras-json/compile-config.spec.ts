import { afterEach, describe, expect, it } from '@jest/globals';
import type * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeOptimizer, normalizeLoss, normalizeMetrics } from '../compile-settings.js';
import { ModelSpecError } from '../model-spec-error.js';
import { compileSettingsInModel, kerasCompileSpec, type KerasCompileInput } from './compile-config.js';

const fixture = (name: string) =>
  (
    JSON.parse(readFileSync(join(process.cwd(), 'test', 'fixtures', 'keras3', `${name}.json`), 'utf8')) as {
      compile_config: KerasCompileInput;
    }
  ).compile_config;

function refusal(compile: KerasCompileInput): { field: string; message: string } {
  try {
    kerasCompileSpec(compile);
  } catch (err) {
    if (err instanceof ModelSpecError) return { field: err.field, message: err.message };
    throw err;
  }
  throw new Error('accepted');
}

const optimizers: tf.Optimizer[] = [];
afterEach(() => {
  for (const o of optimizers.splice(0)) o.dispose();
});

describe('kerasCompileSpec', () => {
  it('takes Keras 3 get_compile_config() unchanged: Adam with its learning rate, Keras loss and metric names', () => {
    const spec = kerasCompileSpec(fixture('functional-skip'));
    expect(spec).toEqual({
      optimizer: { className: 'Adam', config: { learning_rate: expect.closeTo(0.005, 6), beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 } },
      loss: 'categorical_crossentropy',
      metrics: ['accuracy'],
    });
    const optimizer = makeOptimizer(spec.optimizer);
    optimizers.push(optimizer);
    expect(optimizer.getConfig()).toMatchObject({ learningRate: expect.closeTo(0.005, 6), beta1: 0.9, beta2: 0.999 });
    expect(normalizeLoss(spec.loss)).toBe('categoricalCrossentropy');
    expect(normalizeMetrics(spec.metrics)).toEqual(['accuracy']);
  });

  it('keeps SGD momentum and RMSprop from Keras 3 configs', () => {
    const sgd = kerasCompileSpec(fixture('sequential-cnn'));
    expect(sgd.optimizer).toEqual({ className: 'SGD', config: { learning_rate: expect.closeTo(0.05, 6), momentum: 0.9, nesterov: false } });
    const momentum = makeOptimizer(sgd.optimizer);
    optimizers.push(momentum);
    expect(momentum.getConfig()).toMatchObject({ learningRate: expect.closeTo(0.05, 6), momentum: 0.9 });
    expect(sgd.loss).toBe('sparse_categorical_crossentropy');
    const rms = kerasCompileSpec(fixture('functional-two-inputs'));
    expect(normalizeMetrics(rms.metrics)).toEqual(['binaryAccuracy']);
    optimizers.push(makeOptimizer(rms.optimizer));
  });

  it("takes a Keras 2 optimizer config (legacy lr and decay 0) and Tusk's own form unchanged", () => {
    const keras2 = {
      class_name: 'Adam',
      config: { name: 'Adam', lr: 0.002, beta_1: 0.9, beta_2: 0.999, decay: 0, epsilon: 1e-7, amsgrad: false },
    };
    expect(kerasCompileSpec({ optimizer: keras2, loss: 'mse' }).optimizer).toEqual({
      className: 'Adam',
      config: { lr: 0.002, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 },
    });
    const own = {
      optimizer: { className: 'adam', config: { learning_rate: 0.01 } },
      loss: 'categorical_crossentropy',
      metrics: ['accuracy'],
    };
    expect(kerasCompileSpec(own)).toEqual(own);
    expect(kerasCompileSpec({ optimizer: 'adam', loss: 'mse' })).toEqual({ optimizer: 'adam', loss: 'mse', metrics: [] });
  });

  it('reads losses and metrics written as Keras 3 function objects or Keras classes', () => {
    const spec = kerasCompileSpec({
      optimizer: 'adam',
      loss: { module: 'builtins', class_name: 'function', config: 'sparse_categorical_crossentropy', registered_name: 'function' },
      metrics: [
        {
          module: 'keras.metrics',
          class_name: 'CategoricalAccuracy',
          config: { name: 'categorical_accuracy', dtype: 'float32' },
          registered_name: null,
        },
        'acc',
      ],
    });
    expect(spec.loss).toBe('sparse_categorical_crossentropy');
    expect(spec.metrics).toEqual(['categorical_accuracy', 'acc']);
    const loss = {
      module: 'keras.losses',
      class_name: 'CategoricalCrossentropy',
      config: { name: 'categorical_crossentropy', reduction: 'sum_over_batch_size', from_logits: false, label_smoothing: 0, axis: -1 },
      registered_name: null,
    };
    expect(normalizeLoss(kerasCompileSpec({ optimizer: 'adam', loss }).loss)).toBe('categoricalCrossentropy');
    expect(normalizeLoss(kerasCompileSpec({ optimizer: 'adam', loss: 'MeanSquaredError' }).loss)).toBe('meanSquaredError');
  });

  it('refuses what tfjs cannot do, naming the field', () => {
    const adam = fixture('functional-skip').optimizer as { config: Record<string, unknown> };
    expect(refusal({ optimizer: { ...adam, config: { ...adam.config, clipnorm: 1 } }, loss: 'mse' }).field).toBe(
      'compile.optimizer.config.clipnorm',
    );
    expect(refusal({ optimizer: { ...adam, config: { ...adam.config, amsgrad: true } }, loss: 'mse' }).field).toBe(
      'compile.optimizer.config.amsgrad',
    );
    const schedule = { module: 'keras.optimizers.schedules', class_name: 'ExponentialDecay', config: { initial_learning_rate: 0.1 } };
    expect(refusal({ optimizer: { ...adam, config: { ...adam.config, learning_rate: schedule } }, loss: 'mse' }).field).toBe(
      'compile.optimizer.config.learning_rate',
    );
    expect(refusal({ optimizer: 'adam', loss: { class_name: 'BinaryCrossentropy', config: { from_logits: true } } }).field).toBe(
      'compile.loss.config.from_logits',
    );
    expect(refusal({ optimizer: 'adam', loss: 'mse', loss_weights: [0.5] }).field).toBe('compile.loss_weights');
    expect(refusal({ optimizer: 'adam', loss: 'mse', weighted_metrics: ['mae'] }).field).toBe('compile.weighted_metrics');
    expect(refusal({ optimizer: 'adam', loss: 42 }).field).toBe('compile.loss');
  });

  it('finds the compile settings a compiled Keras 3 model writes into its to_json(), and Keras 2 training_config', () => {
    const mlp = JSON.parse(readFileSync(join(process.cwd(), 'test', 'fixtures', 'keras3', 'sequential-mlp.json'), 'utf8')) as {
      model_json: string;
    };
    expect(kerasCompileSpec(compileSettingsInModel(JSON.parse(mlp.model_json) as Record<string, unknown>))).toEqual(
      kerasCompileSpec(fixture('sequential-mlp')),
    );
    const trainingConfig = {
      optimizer_config: { class_name: 'Nadam', config: { lr: 0.002 } },
      loss: 'mae',
      metrics: ['mae', 'mse'],
      weighted_metrics: null,
      sample_weight_mode: null,
      loss_weights: null,
    };
    const tfjsModel = { modelTopology: { class_name: 'Sequential', config: { layers: [] }, training_config: trainingConfig } };
    expect(kerasCompileSpec(compileSettingsInModel(tfjsModel))).toEqual({
      optimizer: { className: 'Nadam', config: { lr: 0.002 } },
      loss: 'mae',
      metrics: ['mae', 'mse'],
    });
    expect(() => compileSettingsInModel({ class_name: 'Sequential', config: { layers: [] } })).toThrow('compile: required');
  });
});
