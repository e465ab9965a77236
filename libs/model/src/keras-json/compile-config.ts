import type { CompileSpec } from '@tusk/contracts';
import { ModelSpecError } from '../model-spec-error.js';
import { type Json, functionName, isKerasObject, isObject } from './envelope.js';

/** Keras' compile settings as `POST /jobs` takes them: Tusk's own form, or `model.get_compile_config()` unchanged. */
export interface KerasCompileInput {
  optimizer: unknown;
  loss: unknown;
  metrics?: unknown;
  loss_weights?: unknown;
  weighted_metrics?: unknown;
  run_eagerly?: unknown;
  steps_per_execution?: unknown;
  jit_compile?: unknown;
}

/** `CategoricalCrossentropy` → `categorical_crossentropy`: Keras' class names for its losses and metrics as its function names. */
const snake = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/** Optimizer config keys that change nothing when they have these values (Keras 2.11+ and 3 write them all); dropped. */
const NEUTRAL: Record<string, readonly unknown[]> = {
  weight_decay: [null, 0],
  clipnorm: [null],
  global_clipnorm: [null],
  clipvalue: [null],
  use_ema: [false],
  ema_overwrite_frequency: [null],
  loss_scale_factor: [null],
  gradient_accumulation_steps: [null, 1],
  amsgrad: [false],
  decay: [0],
  jit_compile: [true, false],
  is_legacy_optimizer: [true, false],
};
/** Informational keys: the optimizer's name and, unused without EMA, its momentum. */
const IGNORED = new Set(['name', 'ema_momentum']);

function optimizerConfig(config: unknown, field: string): Record<string, unknown> {
  if (config === undefined || config === null) return {};
  if (!isObject(config)) throw new ModelSpecError(field, 'must be an object');
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (IGNORED.has(key)) continue;
    if (Object.hasOwn(NEUTRAL, key)) {
      if (!NEUTRAL[key].includes(value))
        throw new ModelSpecError(`${field}.${key}`, `${key}=${JSON.stringify(value)} has no tfjs equivalent`);
      continue;
    }
    if (isObject(value)) throw new ModelSpecError(`${field}.${key}`, `a schedule or object for ${key} is not supported; give a number`);
    out[key] = value;
  }
  return out;
}

/** `"adam"`, Tusk's `{ className, config }`, or Keras' `{ class_name, config, module?, registered_name? }`. */
function optimizerOf(optimizer: unknown): CompileSpec['optimizer'] {
  if (typeof optimizer === 'string') return optimizer;
  if (isObject(optimizer) && typeof optimizer.className === 'string') return optimizer as CompileSpec['optimizer'];
  if (isKerasObject(optimizer)) {
    if (typeof optimizer.registered_name === 'string' && optimizer.registered_name !== optimizer.class_name) {
      throw new ModelSpecError('compile.optimizer.class_name', `the custom optimizer ${optimizer.registered_name} is not supported`);
    }
    return { className: optimizer.class_name, config: optimizerConfig(optimizer.config, 'compile.optimizer.config') };
  }
  throw new ModelSpecError('compile.optimizer', 'must be a name ("adam"), { className, config } or Keras\' { class_name, config }');
}

/** A loss or metric given as a name, a Keras 3 function object or a Keras class object; its Keras function name. */
function kerasName(value: unknown, field: string, what: 'loss' | 'metric'): string {
  const fn = functionName(value);
  if (fn !== null) return /^[A-Z][A-Za-z0-9]*$/.test(fn) ? snake(fn) : fn;
  if (!isKerasObject(value)) throw new ModelSpecError(field, `must be a Keras ${what} name or a serialized Keras ${what}`);
  const config = isObject(value.config) ? value.config : {};
  if (config.from_logits === true)
    throw new ModelSpecError(`${field}.config.from_logits`, 'from_logits is not supported: end the model with a softmax or sigmoid');
  if (typeof config.label_smoothing === 'number' && config.label_smoothing !== 0) {
    throw new ModelSpecError(`${field}.config.label_smoothing`, 'label smoothing is not supported');
  }
  return snake(value.class_name);
}

const isEmpty = (v: unknown) => v === undefined || v === null || (Array.isArray(v) && v.length === 0);

/**
 * Keras-style compile settings as the CompileSpec the workers build: an optimizer as a name or Keras config (its
 * learning_rate and betas kept, neutral Keras 3 keys dropped), loss and metrics as Keras names. What tfjs cannot do
 * (loss weights, weighted metrics, gradient clipping, schedules, from_logits) is a ModelSpecError naming the field.
 */
export function kerasCompileSpec(compile: KerasCompileInput): CompileSpec {
  if (!isEmpty(compile.loss_weights))
    throw new ModelSpecError('compile.loss_weights', 'loss weights are not supported (one output, one loss)');
  if (!isEmpty(compile.weighted_metrics)) throw new ModelSpecError('compile.weighted_metrics', 'weighted metrics are not supported');
  if (Array.isArray(compile.loss) || (isObject(compile.loss) && !isKerasObject(compile.loss))) {
    throw new ModelSpecError('compile.loss', 'one loss for the one output: a name or a serialized Keras loss');
  }
  const metrics = compile.metrics ?? [];
  if (!Array.isArray(metrics)) throw new ModelSpecError('compile.metrics', 'must be a list of Keras metric names');
  return {
    optimizer: optimizerOf(compile.optimizer),
    loss: kerasName(compile.loss, 'compile.loss', 'loss'),
    metrics: metrics.map((m, i) => kerasName(m, `compile.metrics[${i}]`, 'metric')),
  };
}

/**
 * The compile settings a model's JSON carries, for a job that gives none: Keras 3's `to_json()` of a compiled
 * model has `compile_config` (get_compile_config()); Keras 2's saved models and tfjs' model.json `training_config`.
 */
export function compileSettingsInModel(model: Json): KerasCompileInput {
  const topology = isObject(model.modelTopology) ? model.modelTopology : model;
  if (isObject(topology.compile_config)) return topology.compile_config as unknown as KerasCompileInput;
  const training = topology.training_config;
  if (isObject(training)) {
    const { optimizer_config: optimizer, sample_weight_mode: _mode, ...rest } = training;
    return { ...rest, optimizer } as KerasCompileInput;
  }
  throw new ModelSpecError('compile', 'required: give compile, or a compiled Keras 3 model whose to_json() carries compile_config');
}
