import { ModelSpecError } from './model-spec-error.js';

interface WeightSpec {
  name?: unknown;
  shape?: unknown;
  dtype?: unknown;
  quantization?: unknown;
}

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * The flat float32 weights of a tfjs artifact (`model.json` + its one `weights.bin`), checked against the shapes a
 * model needs, in the order tfjs saves them (the model's `weights` order). Throws a `ModelSpecError` on `field`
 * naming the first weight that does not fit.
 */
export function flatWeightsFromArtifact({
  modelJson,
  weightsBin,
  shapes,
  field,
}: {
  modelJson: Record<string, unknown>;
  weightsBin: Uint8Array;
  shapes: readonly (readonly number[])[];
  field: string;
}): Float32Array {
  const manifest = modelJson.weightsManifest;
  if (!Array.isArray(manifest) || manifest.length === 0) throw new ModelSpecError(field, 'the model.json has no weightsManifest');
  const specs = manifest.flatMap((group: { weights?: unknown }) => (Array.isArray(group?.weights) ? group.weights : [])) as WeightSpec[];
  if (specs.length !== shapes.length)
    throw new ModelSpecError(field, `the artifact has ${specs.length} weight tensors, the job's model has ${shapes.length}`);
  specs.forEach((spec, i) => {
    const name = typeof spec.name === 'string' ? spec.name : `#${i}`;
    if (spec.dtype !== undefined && spec.dtype !== 'float32')
      throw new ModelSpecError(field, `weight ${name} is ${String(spec.dtype)}; only float32 weights are read`);
    if (spec.quantization !== undefined) throw new ModelSpecError(field, `weight ${name} is quantized; only float32 weights are read`);
    const shape = Array.isArray(spec.shape) ? (spec.shape as number[]) : [];
    if (!sameShape(shape, shapes[i]))
      throw new ModelSpecError(field, `weight ${name} has shape [${shape}], the job's model needs [${shapes[i]}] there`);
  });
  const total = shapes.reduce((n, shape) => n + sizeOf(shape), 0);
  if (weightsBin.byteLength !== total * 4)
    throw new ModelSpecError(field, `weights.bin has ${weightsBin.byteLength} bytes, the weights need ${total * 4}`);
  // A copy: the bytes may sit at any offset of a shared buffer.
  return new Float32Array(weightsBin.slice().buffer, 0, total);
}
