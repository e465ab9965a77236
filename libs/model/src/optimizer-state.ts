import * as tf from '@tensorflow/tfjs';

interface StateEntry {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
}

/** Where the names of the optimizer's own running values start, after its getWeights() ones. */
const OWN_PREFIX = 'tusk-own/';
/**
 * Adam's running powers of beta1 and beta2 (Adamax has no getWeights): getWeights leaves them out and setWeights
 * recomputes them with pow, whose bits differ from the running products', so they travel as they are.
 */
const RUNNING_VALUES = ['accBeta1', 'accBeta2'] as const;

function runningValuesOf(optimizer: tf.Optimizer): { name: string; variable: tf.Variable }[] {
  const fields = optimizer as unknown as Record<string, unknown>;
  return RUNNING_VALUES.flatMap((name) => (fields[name] instanceof tf.Variable ? [{ name, variable: fields[name] }] : []));
}

/**
 * An optimizer's variables (Adam's moments, its step count...) as bytes, so a partition's optimizer state can
 * follow it from round to round whichever worker trains it. Layout: a little-endian uint32 header length, the
 * JSON header (names, shapes, dtypes) padded to 4 bytes, then every value as 4 bytes. With them go the running values
 * setWeights would recompute otherwise, so that a loaded optimizer steps bit for bit as the saved one would have.
 */
export async function optimizerStateBytes(optimizer: tf.Optimizer): Promise<Uint8Array> {
  const own = runningValuesOf(optimizer).map(({ name, variable }) => ({ name: `${OWN_PREFIX}${name}`, tensor: variable as tf.Tensor }));
  const named = [...(await optimizer.getWeights()), ...own];
  try {
    const entries: StateEntry[] = named.map(({ name, tensor }) => ({
      name,
      shape: tensor.shape,
      dtype: tensor.dtype === 'int32' ? 'int32' : 'float32',
    }));
    const header = new TextEncoder().encode(JSON.stringify(entries));
    const headerBytes = 4 + Math.ceil(header.length / 4) * 4;
    const values = named.reduce((n, { tensor }) => n + tensor.size, 0);
    const out = new Uint8Array(headerBytes + values * 4);
    new DataView(out.buffer).setUint32(0, header.length, true);
    out.set(header, 4);
    let offset = headerBytes;
    for (const { tensor } of named) {
      const data =
        tensor.dtype === 'int32' ? new Int32Array(tensor.dataSync() as Int32Array) : new Float32Array(tensor.dataSync() as Float32Array);
      out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
      offset += data.byteLength;
    }
    return out;
  } finally {
    // getWeights hands out the optimizer's own variables plus a fresh step-count tensor: only the latter is ours.
    tf.dispose(named.map((n) => n.tensor).filter((t) => !(t instanceof tf.Variable)));
  }
}

/** Gives a fresh optimizer the state `optimizerStateBytes` saved. */
export async function loadOptimizerState(optimizer: tf.Optimizer, bytes: Uint8Array): Promise<void> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true);
  const entries = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength))) as StateEntry[];
  let offset = 4 + Math.ceil(headerLength / 4) * 4;
  const named = entries.map(({ name, shape, dtype }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    // Copied out: the typed arrays need 4-byte alignment and must not alias the blob.
    const raw = bytes.slice(offset, offset + size * 4);
    offset += size * 4;
    const values = dtype === 'int32' ? new Int32Array(raw.buffer) : new Float32Array(raw.buffer);
    return { name, tensor: tf.tensor(values, shape, dtype) };
  });
  try {
    await optimizer.setWeights(named.filter((n) => !n.name.startsWith(OWN_PREFIX)));
    for (const { name, variable } of runningValuesOf(optimizer)) {
      const saved = named.find((n) => n.name === `${OWN_PREFIX}${name}`);
      if (saved) variable.assign(saved.tensor);
    }
  } finally {
    tf.dispose(named.map((n) => n.tensor));
  }
}
