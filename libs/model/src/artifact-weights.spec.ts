import { describe, expect, it } from '@jest/globals';
import { flatWeightsFromArtifact } from './artifact-weights.js';
import { ModelSpecError } from './model-spec-error.js';

const modelJson = (weights: unknown[]) => ({ modelTopology: {}, weightsManifest: [{ paths: ['weights.bin'], weights }] });
const bytesOf = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);
const specs = [
  { name: 'dense/kernel', shape: [2, 3], dtype: 'float32' },
  { name: 'dense/bias', shape: [3], dtype: 'float32' },
];

describe('flatWeightsFromArtifact', () => {
  it('returns the weights in the artifact order when every shape fits', () => {
    const values = [1, 2, 3, 4, 5, 6, 0.5, -0.5, 0.25];
    const flat = flatWeightsFromArtifact({ modelJson: modelJson(specs), weightsBin: bytesOf(values), shapes: [[2, 3], [3]], field: 'f' });
    expect(Array.from(flat)).toEqual(values);
  });

  it('reads bytes that sit at an odd offset of a larger buffer', () => {
    const backing = new Uint8Array(1 + 9 * 4);
    backing.set(bytesOf([1, 2, 3, 4, 5, 6, 7, 8, 9]), 1);
    const flat = flatWeightsFromArtifact({
      modelJson: modelJson(specs),
      weightsBin: backing.subarray(1),
      shapes: [[2, 3], [3]],
      field: 'f',
    });
    expect(flat[8]).toBe(9);
  });

  it.each([
    ['a missing tensor', modelJson(specs.slice(0, 1)), 9, /has 1 weight tensors, the job's model has 2/],
    [
      'another shape',
      modelJson([specs[0], { ...specs[1], shape: [4] }]),
      9,
      /weight dense\/bias has shape \[4\], the job's model needs \[3\]/,
    ],
    ['another dtype', modelJson([specs[0], { ...specs[1], dtype: 'int32' }]), 9, /weight dense\/bias is int32/],
    ['quantized weights', modelJson([specs[0], { ...specs[1], quantization: { dtype: 'uint8' } }]), 9, /is quantized/],
    ['too few bytes', modelJson(specs), 8, /weights.bin has 32 bytes, the weights need 36/],
    ['no manifest', { modelTopology: {} }, 9, /no weightsManifest/],
  ])('refuses %s, naming the field', (_what, json, count, message) => {
    const run = () =>
      flatWeightsFromArtifact({
        modelJson: json,
        weightsBin: bytesOf(new Array(count).fill(1)),
        shapes: [[2, 3], [3]],
        field: 'initialWeights',
      });
    expect(run).toThrow(ModelSpecError);
    expect(run).toThrow(message);
    try {
      run();
    } catch (err) {
      expect((err as ModelSpecError).field).toBe('initialWeights');
    }
  });
});
