import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { selectBackend } from '../backend.js';
import { ModelSpecError } from '../model-spec-error.js';
import { preflightTopology } from '../topology-preflight.js';
import { kerasToTfjsTopology } from './model-json.js';

const FIXTURES = join(process.cwd(), 'test', 'fixtures');
type Json = Record<string, unknown>;
interface KerasSide {
  count_params: number;
  layers: { name: string; count_params: number; output_shape: (number | null)[] }[];
}
interface Keras3Fixture {
  model_json: string;
  keras: KerasSide;
}

const read = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));
const keras3 = readdirSync(join(FIXTURES, 'keras3'))
  .filter((f) => f.endsWith('.json'))
  .sort();
const built: tf.LayersModel[] = [];

async function build(topology: Json): Promise<tf.LayersModel> {
  const model = await tf.models.modelFromJSON({ modelTopology: topology } as tf.io.ModelJSON);
  built.push(model);
  return model;
}

/** What ModelSpecError the conversion throws, as { field, message }. */
function refusal(model: Json): { field: string; message: string } {
  try {
    kerasToTfjsTopology(model);
  } catch (err) {
    if (err instanceof ModelSpecError) return { field: err.field, message: err.message };
    throw err;
  }
  throw new Error('the conversion accepted the model');
}

describe('kerasToTfjsTopology', () => {
  beforeAll(async () => {
    // wasm: the Keras 2 LSTM fixture's Orthogonal initializers take minutes on the pure-JS cpu backend.
    await selectBackend('wasm');
  });
  afterEach(() => {
    for (const m of built.splice(0)) m.dispose();
  });

  it('finds the Keras 3 fixtures the generator wrote', () => {
    expect(keras3).toEqual(
      expect.arrayContaining(['functional-skip.json', 'functional-two-inputs.json', 'sequential-cnn.json', 'sequential-mlp.json']),
    );
  });

  describe.each(keras3)('Keras 3 %s', (file) => {
    const fixture = read(join(FIXTURES, 'keras3', file)) as Keras3Fixture;
    const source = JSON.parse(fixture.model_json) as Json;

    it('is real Keras 3 output that tfjs cannot read as it is', async () => {
      expect(JSON.stringify(source)).toContain('"batch_shape"');
      await expect(tf.models.modelFromJSON({ modelTopology: source } as tf.io.ModelJSON)).rejects.toThrow();
    });

    it('builds in tfjs with the layers, shapes and parameter counts Keras reports', async () => {
      const topology = kerasToTfjsTopology(source);
      const model = await build(topology);
      expect(model.countParams()).toBe(fixture.keras.count_params);
      expect(model.layers.map((l) => l.name)).toEqual(fixture.keras.layers.map((l) => l.name));
      expect(model.layers.map((l) => l.outputShape)).toEqual(fixture.keras.layers.map((l) => l.output_shape));
      expect(model.layers.map((l) => l.countParams())).toEqual(fixture.keras.layers.map((l) => l.count_params));
      expect(preflightTopology(topology, { maxParams: 1e6 }).params).toBe(fixture.keras.count_params);
    });

    it('leaves no Keras 3 envelope in the topology', () => {
      const text = JSON.stringify(kerasToTfjsTopology(source));
      for (const key of ['"module"', '"registered_name"', '"build_config"', '"__keras_tensor__"', '"DTypePolicy"', '"batch_shape"'])
        expect(text).not.toContain(key);
    });
  });

  /** Keras' own arithmetic for the Keras 2 fixtures (test/fixtures/keras2/README.md). */
  const keras2Params: Record<string, number> = {
    'sequential-mlp-2.1.6.json': 375,
    'sequential-dense-2.0.5.json': 1711,
    'functional-lstm-concat-2.2.4.json': 226765,
  };

  describe.each(Object.keys(keras2Params))('Keras 2 %s', (file) => {
    const source = read(join(FIXTURES, 'keras2', file)) as Json;
    const config = source.config as Json[] | { layers: Json[] };
    const names = (Array.isArray(config) ? config : config.layers).map((l) => String(l.name ?? (l.config as Json).name));

    it('builds in tfjs with its layers and parameter count', async () => {
      const topology = kerasToTfjsTopology(source);
      const model = await build(topology);
      expect(model.countParams()).toBe(keras2Params[file]);
      expect(model.layers.map((l) => l.name)).toEqual(names);
      expect(preflightTopology(topology, { maxParams: 1e6 }).params).toBe(keras2Params[file]);
    });
  });

  it('refuses the Keras 2.15 AutoKeras model, naming its custom layer and the field', () => {
    const found = refusal(read(join(FIXTURES, 'keras2', 'functional-autokeras-2.15.0.json')) as Json);
    expect(found.field).toBe('model.config.layers[1].class_name');
    expect(found.message).toContain('layer cast_to_float32');
    expect(found.message).toContain('Custom>CastToFloat32');
  });

  describe('refuses what tfjs-layers cannot build, naming the layer and field', () => {
    const skip = JSON.parse((read(join(FIXTURES, 'keras3', 'functional-skip.json')) as Keras3Fixture).model_json) as Json;
    const edit = (change: (layers: Json[]) => void): Json => {
      const copy = structuredClone(skip);
      change((copy.config as { layers: Json[] }).layers);
      return copy;
    };
    const layerConfig = (layers: Json[], i: number) => layers[i].config as Json;

    it('a mixed-precision dtype policy', () => {
      const found = refusal(
        edit((l) => {
          ((layerConfig(l, 1).dtype as Json).config as Json).name = 'mixed_float16';
        }),
      );
      expect(found).toEqual({ field: 'model.config.layers[1].config.dtype', message: expect.stringContaining('layer branch_a') });
    });

    it('a layer class tfjs lacks', () => {
      const found = refusal(
        edit((l) => {
          l[4].class_name = 'Normalization';
        }),
      );
      expect(found).toEqual({
        field: 'model.config.layers[4].class_name',
        message: expect.stringContaining('layer hidden is a Normalization'),
      });
    });

    it('a tensor passed as a keyword argument (a mask)', () => {
      const found = refusal(
        edit((l) => {
          const node = (l[4].inbound_nodes as Json[])[0];
          node.kwargs = { mask: (node.args as unknown[])[0] };
        }),
      );
      expect(found.field).toBe('model.config.layers[4].inbound_nodes[0].kwargs.mask');
      expect(found.message).toContain('layer hidden');
    });

    it('a Keras 3 feature with no tfjs equivalent', () => {
      const found = refusal(
        edit((l) => {
          layerConfig(l, 1).quantization_config = { mode: 'int8' };
        }),
      );
      expect(found.field).toBe('model.config.layers[1].config.quantization_config');
    });

    it('a custom initializer', () => {
      const found = refusal(
        edit((l) => {
          layerConfig(l, 2).kernel_initializer = { module: 'my_lib', class_name: 'Mine', config: {}, registered_name: 'Custom>Mine' };
        }),
      );
      expect(found).toEqual({
        field: 'model.config.layers[2].config.kernel_initializer.class_name',
        message: expect.stringContaining('layer branch_b'),
      });
    });

    it('something that is not a Keras model', () => {
      expect(refusal({ class_name: 'Dense', config: {} }).field).toBe('model.class_name');
    });
  });

  it('keeps a Keras 3 LeakyReLU slope (negative_slope) under the name tfjs reads (alpha)', async () => {
    const skip = JSON.parse((read(join(FIXTURES, 'keras3', 'functional-skip.json')) as Keras3Fixture).model_json) as Json;
    const layers = (skip.config as { layers: Json[] }).layers;
    // The Add layer (skip) replaced by a LeakyReLU on its first input.
    const leaky: Json = {
      ...layers[5],
      class_name: 'LeakyReLU',
      config: { name: 'skip', negative_slope: 0.05, dtype: (layers[5].config as Json).dtype },
      inbound_nodes: [{ args: [((layers[5].inbound_nodes as Json[])[0].args as unknown[][])[0][0]], kwargs: {} }],
    };
    const topology = kerasToTfjsTopology({
      ...skip,
      config: { ...(skip.config as Json), layers: [...layers.slice(0, 5), leaky, layers[6]] },
    });
    const model = await build(topology);
    expect(model.getLayer('skip').getConfig()).toMatchObject({ alpha: 0.05 });
  });

  it('converts Keras L1 and L2 regularizers to tfjs L1L2 with the same strengths', () => {
    const mlp = JSON.parse((read(join(FIXTURES, 'keras3', 'sequential-mlp.json')) as Keras3Fixture).model_json) as Json;
    const dense = ((kerasToTfjsTopology(mlp).config as Json).layers as Json[])[0];
    expect((dense.config as Json).kernel_regularizer).toEqual({ class_name: 'L1L2', config: { l1: 0, l2: expect.closeTo(1e-4, 9) } });
  });
});
