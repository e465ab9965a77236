import * as tf from '@tensorflow/tfjs';
import type { CompileSpec, TrainingSpec } from '@tusk/contracts';

/** The demo's model: 784-128-64-10, ReLU hidden layers, softmax output. */
export const MLP_LAYERS = [128, 64] as const;
export const NUM_CLASSES = 10;
export const INPUT_SIZE = 784;

export const MLP_COMPILE: CompileSpec = {
  optimizer: { className: 'adam', config: { learning_rate: 0.001 } },
  loss: 'categoricalCrossentropy',
  metrics: ['accuracy'],
};

/** Training settings shared by the demo and the sync-parity bench (environment overrides for experiments). */
export function mlpTraining(overrides: Partial<TrainingSpec> = {}): TrainingSpec {
  const envInt = (name: string, fallback: number) => {
    const v = process.env[name];
    if (v === undefined || v === '') return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name}=${v}: must be a whole number`);
    return n;
  };
  return {
    mode: 'synchronous',
    epochs: envInt('TUSK_DEMO_EPOCHS', 3),
    batchSize: envInt('TUSK_DEMO_BATCH', 64),
    partitions: envInt('TUSK_DEMO_PARTITIONS', 2),
    localEpochs: envInt('TUSK_DEMO_LOCAL_EPOCHS', 1),
    validationSplit: 0,
    seed: envInt('TUSK_DEMO_SEED', 42),
    // float16 halves the delta bytes; bench:sync-parity with TUSK_DEMO_DELTA_ENCODING=float16 measures its accuracy cost.
    ...(process.env.TUSK_DEMO_DELTA_ENCODING ? { deltaEncoding: process.env.TUSK_DEMO_DELTA_ENCODING as 'float32' | 'float16' } : {}),
    // bench:sync-parity with TUSK_DEMO_OPTIMIZER_STATE=partition measures carrying each partition's optimizer state.
    ...(process.env.TUSK_DEMO_OPTIMIZER_STATE ? { optimizerState: process.env.TUSK_DEMO_OPTIMIZER_STATE as 'reset' | 'partition' } : {}),
    // bench:sync-parity with TUSK_DEMO_PARTITIONS=16 and these measures what LR scaling, warmup and server momentum recover.
    ...(process.env.TUSK_DEMO_LR_SCALING ? { lrScaling: process.env.TUSK_DEMO_LR_SCALING as 'none' | 'linear' | 'sqrt' } : {}),
    ...(process.env.TUSK_DEMO_WARMUP_EPOCHS ? { warmupEpochs: envInt('TUSK_DEMO_WARMUP_EPOCHS', 0) } : {}),
    ...(process.env.TUSK_DEMO_SERVER_MOMENTUM ? { serverMomentum: Number(process.env.TUSK_DEMO_SERVER_MOMENTUM) } : {}),
    ...overrides,
  };
}

/** An (uncompiled) tfjs Sequential MLP; needs a tfjs backend to be set since layers create weights. */
export function buildMlp(): tf.Sequential {
  const model = tf.sequential({ name: 'fashion_mlp' });
  model.add(tf.layers.dense({ inputShape: [INPUT_SIZE], units: MLP_LAYERS[0], activation: 'relu', name: 'hidden_1' }));
  model.add(tf.layers.dense({ units: MLP_LAYERS[1], activation: 'relu', name: 'hidden_2' }));
  model.add(tf.layers.dense({ units: NUM_CLASSES, activation: 'softmax', name: 'output' }));
  return model;
}

/** The MLP's topology as `model.toJSON()` gives it: what `POST /jobs` takes in `model`. */
export function mlpTopology(): Record<string, unknown> {
  const model = buildMlp();
  try {
    return model.toJSON(null, false) as unknown as Record<string, unknown>;
  } finally {
    model.dispose();
  }
}
