import { ModelSpecError } from '../model-spec-error.js';
import { isKerasObject } from './envelope.js';

/**
 * The dtype a layer computes in. Keras 3 writes a policy object (`{ class_name: "DTypePolicy", config: { name: "float32" } }`),
 * Keras 2 mixed precision a `Policy`; tfjs takes a plain dtype, and computes in float32 only.
 */
export function plainDtype(value: unknown, path: string, layer: string, isInput: boolean): unknown {
  if (value === undefined || value === null || typeof value === 'string') {
    if (typeof value === 'string' && !isInput && value !== 'float32') {
      throw new ModelSpecError(path, `layer ${layer} computes in ${value}; tfjs-layers trains float32 layers only`);
    }
    return value;
  }
  if (isKerasObject(value) && ['DTypePolicy', 'Policy', 'FloatDTypePolicy'].includes(value.class_name)) {
    const name = (value.config as { name?: unknown } | undefined)?.name;
    if (name === 'float32') return 'float32';
    throw new ModelSpecError(path, `layer ${layer} uses the dtype policy ${JSON.stringify(name)}; tfjs-layers trains float32 only`);
  }
  throw new ModelSpecError(path, `layer ${layer} has a dtype tfjs-layers cannot read: ${JSON.stringify(value).slice(0, 100)}`);
}
