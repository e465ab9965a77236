import { ModelSpecError } from '../model-spec-error.js';

export type Json = Record<string, unknown>;

/** Keys Keras 2.13+ and 3.x add around every serialized object; tfjs-layers neither needs nor reads them. */
const ENVELOPE_KEYS = new Set(['module', 'registered_name', 'build_config', 'compile_config', 'shared_object_id']);

export const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A serialized Keras object: `{ class_name, config, module?, registered_name? }`. */
export const isKerasObject = (v: unknown): v is Json & { class_name: string } => isObject(v) && typeof v.class_name === 'string';

/**
 * Refuses a class that Keras itself would need custom code to load: a `registered_name` such as
 * `Custom>CastToFloat32`, or a module outside Keras (`autokeras.keras_layers`).
 */
export function refuseCustomClass(obj: Json, path: string, what: string): void {
  const module = typeof obj.module === 'string' ? obj.module : null;
  const registered = typeof obj.registered_name === 'string' ? obj.registered_name : null;
  const foreignModule = module !== null && module !== 'builtins' && !/^(keras|tf_keras|tensorflow)(\.|$)/.test(module);
  if (foreignModule || (registered !== null && registered !== obj.class_name && registered !== 'function')) {
    throw new ModelSpecError(
      `${path}.class_name`,
      `${what} is the custom class ${registered ?? obj.class_name}${module ? ` from ${module}` : ''}, which tfjs-layers cannot build`,
    );
  }
}

/** A copy without the Keras 3 envelope keys. */
export function withoutEnvelope(obj: Json): Json {
  return Object.fromEntries(Object.entries(obj).filter(([k]) => !ENVELOPE_KEYS.has(k)));
}

/** Keras 3 writes a built-in function (a loss, an activation) as `{ class_name: "function", config: "relu" }`. */
export function functionName(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (isKerasObject(v) && v.class_name === 'function' && typeof v.config === 'string') return v.config;
  return null;
}
