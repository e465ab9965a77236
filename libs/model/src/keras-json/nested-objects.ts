import { ModelSpecError } from '../model-spec-error.js';
import { type Json, isObject, refuseCustomClass, withoutEnvelope } from './envelope.js';
import { tfjsHasClass } from './tfjs-classes.js';

/** Keras 3 initializer keys for einsum layers; null everywhere else. */
const NULL_ONLY_KEYS = ['input_axes', 'output_axes'];

/**
 * An initializer, regularizer or constraint inside a layer's config, as tfjs reads it: no envelope, Keras'
 * `L1` / `L2` regularizers as tfjs' `L1L2`; classes tfjs lacks are refused naming the field.
 */
export function tfjsNestedObject(obj: Json & { class_name: string }, path: string, what: string): Json {
  refuseCustomClass(obj, path, what);
  const config = isObject(obj.config) ? obj.config : {};
  for (const key of NULL_ONLY_KEYS) {
    if (config[key] !== undefined && config[key] !== null)
      throw new ModelSpecError(`${path}.config.${key}`, `${what}: ${key} is not supported by tfjs-layers`);
  }
  const cleaned = Object.fromEntries(Object.entries(config).filter(([k]) => !NULL_ONLY_KEYS.includes(k)));
  if (obj.class_name === 'L2') return { class_name: 'L1L2', config: { l1: 0, l2: Number(config.l2 ?? 0.01) } };
  if (obj.class_name === 'L1') return { class_name: 'L1L2', config: { l1: Number(config.l1 ?? 0.01), l2: 0 } };
  if (!tfjsHasClass(obj.class_name))
    throw new ModelSpecError(`${path}.class_name`, `${what} is a ${obj.class_name}, which tfjs-layers does not have`);
  return { ...withoutEnvelope(obj), config: cleaned };
}
