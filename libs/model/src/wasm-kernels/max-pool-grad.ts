import * as tf from '@tensorflow/tfjs';
import { asTensor, dilateSpatial, padOrCrop4d, tapWindow } from './util.js';

/**
 * Gradient of a 2-D max pool: each dy value goes to the first (row-major within the window) input pixel
 * equal to the window's max, as in the cpu backend. Composed from elementwise kernels per window tap:
 * the tap's input window is compared with the pooled output, masked by "not yet taken by an earlier tap",
 * and dy * mask is placed back at the tap's input positions (stride-dilated, padded); the taps' placements
 * are summed, which also accumulates overlapping windows.
 *
 * Replaces wasm's own MaxPoolGrad, which routes gradients to wrong pixels when channels > 1 (tfjs 4.22:
 * e.g. a [1, 6, 6, 3] input with a 2x2/2 pool differs from the cpu backend and from a brute-force reference).
 */
export function maxPoolGradNhwc(
  dy: tf.Tensor4D,
  x: tf.Tensor4D,
  y: tf.Tensor4D,
  filterSize: number | [number, number],
  strides: number | [number, number],
  pad: tf.MaxPoolGradAttrs['pad'],
  dimRoundingMode: tf.MaxPoolGradAttrs['dimRoundingMode'],
): tf.Tensor4D {
  const info = tf.backend_util.computePool2DInfo(x.shape, filterSize, strides, 1, pad, dimRoundingMode);
  const { inHeight, inWidth, outHeight, outWidth, strideHeight: sh, strideWidth: sw } = info;
  const { filterHeight: kh, filterWidth: kw } = info;
  const { top, left } = info.padInfo;
  if (sh === kh && sw === kw) return nonOverlapping(dy, x, y, info);
  const needRows = (outHeight - 1) * sh + kh + sh - 1; // + sh - 1: lets tapWindow stride by reshaping
  const needCols = (outWidth - 1) * sw + kw + sw - 1;
  // Pad with -inf so padded positions never equal a window max.
  const rowsPad: [number, number] = [top, needRows - inHeight - top];
  const colsPad: [number, number] = [left, needCols - inWidth - left];
  const xp =
    rowsPad.every((p) => p >= 0) && colsPad.every((p) => p >= 0)
      ? (tf.pad(x, [[0, 0], rowsPad, colsPad, [0, 0]], -Infinity) as tf.Tensor4D)
      : padOrCrop4d(x, rowsPad, colsPad);
  let taken: tf.Tensor4D | null = null;
  const placed: tf.Tensor4D[] = [];
  for (let r = 0; r < kh; r++) {
    for (let c = 0; c < kw; c++) {
      const isMax = tf.equal(tapWindow(xp, r, c, outHeight, outWidth, sh, sw), y) as tf.Tensor4D;
      const mask: tf.Tensor4D = taken === null ? isMax : tf.logicalAnd(isMax, tf.logicalNot(taken));
      taken = taken === null ? isMax : (tf.logicalOr(taken, isMax) as tf.Tensor4D);
      const contribution = tf.mul(dy, tf.cast(mask, 'float32')) as tf.Tensor4D;
      const spread = dilateSpatial(contribution, sh, sw);
      placed.push(
        padOrCrop4d(spread, [r - top, inHeight - (r - top) - spread.shape[1]], [c - left, inWidth - (c - left) - spread.shape[2]]),
      );
    }
  }
  return placed.length === 1 ? placed[0] : tf.addN(placed);
}

export const maxPoolGradKernel: tf.KernelFunc = ({ inputs, attrs }) => {
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolGradAttrs;
  return tf.tidy(() =>
    maxPoolGradNhwc(
      asTensor<tf.Rank.R4>(inputs.dy, 'dy'),
      asTensor<tf.Rank.R4>(inputs.input, 'input'),
      asTensor<tf.Rank.R4>(inputs.output, 'output'),
      filterSize,
      strides,
      pad,
      dimRoundingMode,
    ),
  );
};

/**
 * Windows that tile the input (stride == pool size, e.g. the usual 2x2/2): the padded input viewed as
 * [N*OH, KH, OW, KW*C] makes each tap's window a plain 4-D slice of the same shape as the pooled output,
 * and the per-tap results are put back in place with two concats (no scatter, no broadcasting).
 */
function nonOverlapping(dy: tf.Tensor4D, x: tf.Tensor4D, y: tf.Tensor4D, info: tf.backend_util.Conv2DInfo): tf.Tensor4D {
  const { batchSize: n, inHeight, inWidth, inChannels: c, outHeight: oh, outWidth: ow, filterHeight: kh, filterWidth: kw } = info;
  const { top, left } = info.padInfo;
  const rows: [number, number] = [top, oh * kh - inHeight - top];
  const cols: [number, number] = [left, ow * kw - inWidth - left];
  const xp =
    rows.every((p) => p >= 0) && cols.every((p) => p >= 0)
      ? (tf.pad(x, [[0, 0], rows, cols, [0, 0]], -Infinity) as tf.Tensor4D)
      : padOrCrop4d(x, rows, cols);
  const view = tf.reshape(xp, [n * oh, kh, ow, kw * c]);
  const y4 = tf.reshape(y, [n * oh, 1, ow, c]);
  const dy4 = tf.reshape(dy, [n * oh, 1, ow, c]);
  let taken: tf.Tensor | null = null;
  const rowParts: tf.Tensor[] = [];
  for (let r = 0; r < kh; r++) {
    const colParts: tf.Tensor[] = [];
    for (let q = 0; q < kw; q++) {
      const isMax = tf.equal(tf.slice(view, [0, r, 0, q * c], [n * oh, 1, ow, c]), y4);
      const mask = taken === null ? isMax : tf.logicalAnd(isMax, tf.logicalNot(taken));
      taken = taken === null ? isMax : tf.logicalOr(taken, isMax);
      colParts.push(tf.mul(dy4, tf.cast(mask, 'float32')));
    }
    rowParts.push(colParts.length === 1 ? colParts[0] : tf.concat(colParts, 3));
  }
  const placed = rowParts.length === 1 ? rowParts[0] : tf.concat(rowParts, 1);
  const back = tf.reshape(placed, [n, oh * kh, ow * kw, c]) as tf.Tensor4D;
  return padOrCrop4d(back, [-top, inHeight + top - oh * kh], [-left, inWidth + left - ow * kw]);
}
