import { ModelSpecError } from '../model-spec-error.js';
import { plainDtype } from './dtype-policy.js';
import { type Json, isKerasObject, isObject, refuseCustomClass, withoutEnvelope } from './envelope.js';
import { keras2InboundNodes, layerRefList } from './inbound-nodes.js';
import { tfjsLayerConfig } from './layer-config.js';
import { tfjsHasClass } from './tfjs-classes.js';

const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

function normalizeLayer(layer: unknown, path: string): Json {
  if (!isKerasObject(layer)) throw new ModelSpecError(path, 'a layer is an object with class_name and config');
  const config = isObject(layer.config) ? layer.config : {};
  const name = String(layer.name ?? config.name ?? path);
  refuseCustomClass(layer, path, `layer ${name}`);
  if (!tfjsHasClass(layer.class_name)) {
    throw new ModelSpecError(`${path}.class_name`, `layer ${name} is a ${layer.class_name}, which tfjs-layers does not have`);
  }
  const out = withoutEnvelope(layer);
  out.config = tfjsLayerConfig(layer.class_name, config, `${path}.config`, name, normalizeLayer);
  if (layer.inbound_nodes !== undefined) out.inbound_nodes = keras2InboundNodes(layer.inbound_nodes, `${path}.inbound_nodes`, name);
  return out;
}

/**
 * A Sequential's input shape on its first layer, as tfjs (and Keras 2.0-2.3) write it. Keras 2.4+ and 3 lead with
 * an InputLayer, which tfjs would keep as a layer of its own (Keras does not list it); Keras 3 models built with
 * `build()` rather than an Input carry the shape on the model only (`build_input_shape`).
 */
function withInputShape(layers: Json[], buildInputShape: unknown): Json[] {
  let shape = buildInputShape;
  let rest = layers;
  if (layers[0]?.class_name === 'InputLayer' && layers.length > 1) {
    shape = (layers[0].config as Json).batch_input_shape;
    rest = layers.slice(1);
  }
  const first = rest[0];
  if (!Array.isArray(shape) || !first || first.class_name === 'InputLayer') return layers;
  const config = first.config as Json;
  if (config.batch_input_shape !== undefined || config.input_shape !== undefined) return layers;
  return [{ ...first, config: { ...config, batch_input_shape: shape } }, ...rest.slice(1)];
}

function normalizeModelConfig(className: string, config: unknown, path: string): unknown {
  // Keras 2.0-2.1 wrote a Sequential's config as the bare list of layers.
  if (Array.isArray(config)) return config.map((l, i) => normalizeLayer(l, `${path}[${i}]`));
  if (!isObject(config) || !Array.isArray(config.layers))
    throw new ModelSpecError(`${path}.layers`, 'the model has no layers (expected config.layers)');
  plainDtype(config.dtype, `${path}.dtype`, 'the model', false);
  const { dtype: _dtype, build_input_shape: buildInputShape, ...rest } = config;
  const layers = config.layers.map((l, i) => normalizeLayer(l, `${path}.layers[${i}]`));
  const out: Json = { ...rest, layers: className === 'Sequential' ? withInputShape(layers, buildInputShape) : layers };
  if (config.input_layers !== undefined) out.input_layers = layerRefList(config.input_layers);
  if (config.output_layers !== undefined) out.output_layers = layerRefList(config.output_layers);
  return out;
}

/**
 * Keras 2.x or 3.x `model.to_json()` (also inside a tfjs model.json's `modelTopology`, or Keras' `model_config`)
 * as the topology tfjs-layers' `modelFromJSON` reads. Anything tfjs cannot build is a ModelSpecError whose
 * field is the JSON path in the request (`model.config.layers[2].config.dtype`) and whose message names the layer.
 */
export function kerasToTfjsTopology(model: Json, field = 'model'): Json {
  let topology: unknown = model;
  let path = field;
  if (isObject(model.modelTopology)) {
    topology = model.modelTopology;
    path = `${field}.modelTopology`;
  }
  if (isObject(topology) && isObject(topology.model_config)) {
    topology = topology.model_config;
    path = `${path}.model_config`;
  }
  if (!isKerasObject(topology) || !MODEL_CLASSES.has(topology.class_name)) {
    const found = isObject(topology) ? JSON.stringify(topology.class_name) : 'nothing';
    throw new ModelSpecError(`${path}.class_name`, `a Keras model's class_name is Sequential, Functional or Model, not ${found}`);
  }
  refuseCustomClass(topology, path, 'the model');
  return { ...withoutEnvelope(topology), config: normalizeModelConfig(topology.class_name, topology.config, `${path}.config`) };
}
