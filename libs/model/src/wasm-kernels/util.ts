import * as tf from '@tensorflow/tfjs';

/**
 * Kernel inputs are normally `tf.Tensor`s (the engine hands ops' tensors through); a bare TensorInfo
 * (a backend calling a kernel directly) is copied into a scope-tracked tensor via the wasm Identity
 * kernel, so the caller's tidy disposes the copy and never the caller's data.
 */
export function asTensor<R extends tf.Rank = tf.Rank>(info: tf.TensorInfo | undefined, name = 'input'): tf.Tensor<R> {
  if (info == null) throw new Error(`wasm training kernel: missing input '${name}'`);
  if (info instanceof tf.Tensor) return info as unknown as tf.Tensor<R>;
  return tf.engine().runKernel('Identity', { x: info as unknown as tf.Tensor }) as unknown as tf.Tensor<R>;
}

export type Pair = [number, number];

/**
 * Pads (positive amounts) or crops (negative amounts) the two spatial axes (1 and 2) of an NHWC tensor.
 * `rows` / `cols` are [before, after].
 */
export function padOrCrop4d(x: tf.Tensor4D, rows: Pair, cols: Pair): tf.Tensor4D {
  const [, h, w] = x.shape;
  const cropTop = Math.max(0, -rows[0]);
  const cropBottom = Math.max(0, -rows[1]);
  const cropLeft = Math.max(0, -cols[0]);
  const cropRight = Math.max(0, -cols[1]);
  let out = x;
  if (cropTop || cropBottom || cropLeft || cropRight) {
    out = tf.slice(out, [0, cropTop, cropLeft, 0], [-1, h - cropTop - cropBottom, w - cropLeft - cropRight, -1]);
  }
  const padTop = Math.max(0, rows[0]);
  const padBottom = Math.max(0, rows[1]);
  const padLeft = Math.max(0, cols[0]);
  const padRight = Math.max(0, cols[1]);
  if (padTop || padBottom || padLeft || padRight) {
    out = tf.pad(out, [
      [0, 0],
      [padTop, padBottom],
      [padLeft, padRight],
      [0, 0],
    ]);
  }
  return out;
}

/**
 * Inserts (stride - 1) zeros between neighbouring pixels of an NHWC tensor:
 * [n, h, w, c] -> [n, (h - 1) * sh + 1, (w - 1) * sw + 1, c].
 */
export function dilateSpatial(x: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return x;
  const [n, h, w, c] = x.shape;
  const six = tf.reshape(x, [n, h, 1, w, 1, c]);
  const padded = tf.pad(six, [
    [0, 0],
    [0, 0],
    [0, sh - 1],
    [0, 0],
    [0, sw - 1],
    [0, 0],
  ]);
  const flat = tf.reshape(padded, [n, h * sh, w * sw, c]) as tf.Tensor4D;
  return tf.slice(flat, [0, 0, 0, 0], [n, (h - 1) * sh + 1, (w - 1) * sw + 1, c]);
}

/**
 * The window of an NHWC tensor that filter tap (kh, kw) sees for every output pixel:
 * xp[:, kh*dh : kh*dh + (oh-1)*sh + 1 : sh, kw*dw : ... : sw, :], shape [n, oh, ow, c].
 * `xp` must already be padded so that every window lies inside it.
 */
export function tapWindow(
  xp: tf.Tensor4D,
  rowStart: number,
  colStart: number,
  outHeight: number,
  outWidth: number,
  sh: number,
  sw: number,
): tf.Tensor4D {
  const [n, h, w, c] = xp.shape;
  if (sh === 1 && sw === 1) return tf.slice(xp, [0, rowStart, colStart, 0], [n, outHeight, outWidth, c]);
  // Strided windows without StridedSlice (slow on wasm): take outHeight*sh rows (padding the end if the
  // input is short), view them as [outHeight, sh] and keep phase 0; the same for columns.
  const extraRows = Math.max(0, rowStart + outHeight * sh - h);
  const extraCols = Math.max(0, colStart + outWidth * sw - w);
  const src =
    extraRows || extraCols
      ? tf.pad(xp, [
          [0, 0],
          [0, extraRows],
          [0, extraCols],
          [0, 0],
        ])
      : xp;
  const block = tf.slice(src, [0, rowStart, colStart, 0], [n, outHeight * sh, outWidth * sw, c]);
  const rowsPicked = tf.slice(
    tf.reshape(block, [n, outHeight, sh, outWidth * sw, c]),
    [0, 0, 0, 0, 0],
    [n, outHeight, 1, outWidth * sw, c],
  );
  const colsPicked = tf.slice(tf.reshape(rowsPicked, [n, outHeight, outWidth, sw, c]), [0, 0, 0, 0, 0], [n, outHeight, outWidth, 1, c]);
  return tf.reshape(colsPicked, [n, outHeight, outWidth, c]);
}

/** NCHW <-> NHWC helpers for kernels that support `dataFormat: 'NCHW'`. */
export const toNhwc = (x: tf.Tensor4D): tf.Tensor4D => tf.transpose(x, [0, 2, 3, 1]);
export const toNchw = (x: tf.Tensor4D): tf.Tensor4D => tf.transpose(x, [0, 3, 1, 2]);

/** Elements per im2col chunk (float32): larger inputs are processed in batch chunks to bound memory. */
export const IM2COL_CHUNK_ELEMENTS = 1 << 23;
