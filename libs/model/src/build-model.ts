import * as tf from '@tensorflow/tfjs';
import type { CompileSpec } from '@tusk/contracts';
import { makeOptimizer, normalizeLoss, normalizeMetrics } from './compile-settings.js';
import { ModelSpecError } from './model-spec-error.js';
import { withSeededRandom } from './seeded-random.js';

const SEEDABLE_INITIALIZERS = new Set([
  'VarianceScaling',
  'GlorotUniform',
  'GlorotNormal',
  'HeNormal',
  'HeUniform',
  'LeCunNormal',
  'LeCunUniform',
  'RandomNormal',
  'RandomUniform',
  'TruncatedNormal',
  'Orthogonal',
]);

/** Copies a topology with a distinct seed in every random initializer, so initial weights are reproducible. */
export function seedInitializers(topology: unknown, seed: number): unknown {
  let next = seed;
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== 'object') return node;
    const obj = node as Record<string, unknown>;
    const copy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) copy[k] = walk(v);
    if (typeof obj.class_name === 'string' && SEEDABLE_INITIALIZERS.has(obj.class_name) && copy.config && typeof copy.config === 'object') {
      copy.config = { ...(copy.config as object), seed: next++ };
    }
    return copy;
  };
  return walk(topology);
}

/** Accepts Keras' `model.to_json()` output, tfjs' `model.toJSON()`, or a whole tfjs model.json. */
export function topologyOf(model: Record<string, unknown>): Record<string, unknown> {
  if (model.modelTopology && typeof model.modelTopology === 'object') return model.modelTopology as Record<string, unknown>;
  return model;
}

export interface BuildModelInput {
  topology: Record<string, unknown>;
  compile: CompileSpec;
  seed: number;
}

/** Builds and compiles a model from its JSON; any problem becomes a ModelSpecError naming the field. */
export async function buildModel({ topology, compile, seed }: BuildModelInput): Promise<tf.LayersModel> {
  const loss = normalizeLoss(compile.loss);
  const metrics = normalizeMetrics(compile.metrics);
  const optimizer = makeOptimizer(compile.optimizer);
  let model: tf.LayersModel;
  try {
    const seeded = seedInitializers(topologyOf(topology), seed) as tf.io.ModelJSON['modelTopology'];
    let building!: Promise<tf.LayersModel>;
    // Initializers the topology leaves implicit draw from Math.random while modelFromJSON deserializes,
    // which it does synchronously before its first await: seeding that stretch makes them reproducible too.
    withSeededRandom(seed, () => {
      building = tf.models.modelFromJSON({ modelTopology: seeded } as tf.io.ModelJSON);
    });
    model = await building;
  } catch (err) {
    optimizer.dispose();
    const reason = String((err as Error).message ?? err).split('\n')[0];
    throw new ModelSpecError('model', `cannot build the model: ${reason}`);
  }
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    model.dispose();
    optimizer.dispose();
    throw new ModelSpecError(
      'model',
      `Tusk trains models with one input and one output; this one has ${model.inputs.length} and ${model.outputs.length}`,
    );
  }
  model.compile({ optimizer, loss, metrics });
  return model;
}

/** Builds the model, hands it to `use` and disposes it (and its optimizer) whatever `use` does. */
export async function withBuiltModel<T>(input: BuildModelInput, use: (model: tf.LayersModel) => T | Promise<T>): Promise<T> {
  const model = await buildModel(input);
  try {
    return await use(model);
  } finally {
    model.optimizer?.dispose();
    model.dispose();
  }
}
