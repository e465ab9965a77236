import { parseIdx, permutation } from '@tusk/data';

/** An IDX pair as `POST /datasets` takes it (raw, not gzipped: the driver accepts both). */
export interface IdxPair {
  images: Uint8Array;
  labels: Uint8Array;
  rows: number;
}

/** A raw unsigned-byte IDX file (type code 0x08) of the given shape; `data` holds shape's product bytes. */
export function encodeIdxUbyte(data: Uint8Array, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count) throw new Error(`IDX: ${data.length} bytes for shape [${shape.join(', ')}] (${count} expected)`);
  const header = 4 + 4 * shape.length;
  const out = new Uint8Array(header + count);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, header);
  return out;
}

/**
 * Splits an IDX images/labels pair (e.g. Fashion-MNIST's 60k training split, gzipped as published) into a
 * training and a validation set of disjoint rows, drawn by one seeded permutation: the first `validationRows`
 * rows of it are the validation set, the next `trainRows` (all the rest when undefined) the training set.
 * The test split stays untouched, for scoring the chosen model only.
 */
export function splitIdxPair(
  { images, labels }: { images: Uint8Array; labels: Uint8Array },
  { trainRows, validationRows, seed }: { trainRows?: number; validationRows: number; seed: number },
): { train: IdxPair; validation: IdxPair } {
  const x = parseIdx(images);
  const y = parseIdx(labels);
  if (!(x.data instanceof Uint8Array) || !(y.data instanceof Uint8Array))
    throw new Error(`expected unsigned-byte IDX files, got ${x.dtype} and ${y.dtype}`);
  const rows = x.shape[0];
  if (y.shape[0] !== rows) throw new Error(`${rows} images but ${y.shape[0]} labels`);
  const rest = rows - validationRows;
  const train = trainRows ?? rest;
  if (!Number.isInteger(validationRows) || validationRows < 1 || !Number.isInteger(train) || train < 1 || train > rest) {
    throw new Error(`cannot take ${validationRows} validation and ${train} training rows out of ${rows}`);
  }
  const rowShape = x.shape.slice(1);
  const rowSize = rowShape.reduce((a, b) => a * b, 1);
  const order = permutation(rows, seed);
  const take = (from: number, n: number): IdxPair => {
    const img = new Uint8Array(n * rowSize);
    const lab = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const r = order[from + i];
      img.set((x.data as Uint8Array).subarray(r * rowSize, (r + 1) * rowSize), i * rowSize);
      lab[i] = (y.data as Uint8Array)[r];
    }
    return { images: encodeIdxUbyte(img, [n, ...rowShape]), labels: encodeIdxUbyte(lab, [n]), rows: n };
  };
  return { validation: take(0, validationRows), train: take(validationRows, train) };
}
