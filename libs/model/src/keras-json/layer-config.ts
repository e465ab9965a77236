import { ModelSpecError } from '../model-spec-error.js';
import { plainDtype } from './dtype-policy.js';
import { type Json, functionName, isKerasObject } from './envelope.js';
import { tfjsNestedObject } from './nested-objects.js';

/** Keras 3 config keys tfjs-layers has no such feature for: accepted at these values (and dropped), refused otherwise. */
const ONLY_AT: Record<string, readonly unknown[]> = {
  optional: [false],
  ragged: [false],
  groups: [1],
  quantization_config: [null],
  lora_rank: [null, 0],
  lora_alpha: [null],
  renorm: [false],
  renorm_clipping: [null],
  keepdims: [false],
};
/** Keras 3 renamed a few keys that tfjs reads under their Keras 2 names. */
const RENAMED: Record<string, Record<string, string>> = {
  LeakyReLU: { negative_slope: 'alpha' },
};
/** Keras 3 keys that change nothing tfjs computes: dropped. */
const IGNORED = new Set(['renorm_momentum', 'synchronized', 'use_cudnn', 'build_input_shape']);
const NESTED_LAYER_KEYS = new Set(['layer', 'cell', 'forward_layer', 'backward_layer']);
const ACTIVATION_KEYS = new Set(['activation', 'recurrent_activation']);

export type LayerNormalizer = (layer: unknown, path: string) => Json;

/** A layer's config as tfjs-layers reads it; `path` is its JSON path in the request, `layer` its name. */
export function tfjsLayerConfig(className: string, config: Json, path: string, layer: string, normalizeLayer: LayerNormalizer): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(config)) {
    const field = `${path}.${key}`;
    if (Object.hasOwn(ONLY_AT, key)) {
      if (!ONLY_AT[key].includes(value))
        throw new ModelSpecError(field, `layer ${layer}: ${key}=${JSON.stringify(value)} is not supported by tfjs-layers`);
    } else if (IGNORED.has(key)) {
      continue;
    } else if (RENAMED[className] && Object.hasOwn(RENAMED[className], key)) {
      out[RENAMED[className][key]] = value;
    } else if (key === 'batch_shape') {
      if (config.batch_input_shape === undefined) out.batch_input_shape = value;
    } else if (key === 'dtype') {
      out.dtype = plainDtype(value, field, layer, className === 'InputLayer');
    } else if (ACTIVATION_KEYS.has(key) && value !== null) {
      const name = functionName(value);
      if (name === null) throw new ModelSpecError(field, `layer ${layer}: a custom ${key} cannot be built by tfjs-layers`);
      out[key] = name;
    } else if (NESTED_LAYER_KEYS.has(key) && isKerasObject(value)) {
      out[key] = normalizeLayer(value, field);
    } else if (isKerasObject(value)) {
      out[key] = tfjsNestedObject(value, field, `${key} of layer ${layer}`);
    } else {
      out[key] = value;
    }
  }
  return out;
}
