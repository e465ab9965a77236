import * as tf from '@tensorflow/tfjs';
import { asTensor, dilateSpatial, IM2COL_CHUNK_ELEMENTS, padOrCrop4d, tapWindow } from './util.js';

/**
 * dW[kh, kw, c, m] = sum over (n, oh, ow) of xPadded[n, oh*sh + kh*dh, ow*sw + kw*dw, c] * dy[n, oh, ow, c*M + m].
 *
 * Per batch chunk: tap windows are stacked into patches [P, T, C] (T = KH*KW), transposed to [C, T, P], and
 * multiplied per channel with dy as [C, P, M] in one batched matmul -> [C, T, M].
 */
export function depthwiseConv2dBackpropFilterNhwc(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  strides: number | [number, number],
  dilations: number | [number, number],
  pad: tf.DepthwiseConv2dNativeBackpropFilterAttrs['pad'],
  dimRoundingMode: tf.DepthwiseConv2dNativeBackpropFilterAttrs['dimRoundingMode'],
): tf.Tensor4D {
  const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, strides, dilations, pad, dimRoundingMode, true, 'channelsLast');
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, filterHeight: kh, filterWidth: kw } = info;
  const m = filterShape[3];
  const { top, left } = info.padInfo;
  const needRows = (outHeight - 1) * sh + info.effectiveFilterHeight + sh - 1; // + sh - 1: see tapWindow
  const needCols = (outWidth - 1) * sw + info.effectiveFilterWidth + sw - 1;
  const t = kh * kw;
  const perImage = outHeight * outWidth * c * Math.max(t, m);
  const chunk = Math.max(1, Math.min(batchSize, Math.floor(IM2COL_CHUNK_ELEMENTS / perImage)));

  let acc: tf.Tensor3D | null = null; // [C, T, M]
  for (let n0 = 0; n0 < batchSize; n0 += chunk) {
    const nb = Math.min(chunk, batchSize - n0);
    const part = tf.tidy(() => {
      const xs = nb === batchSize ? x : tf.slice(x, [n0, 0, 0, 0], [nb, -1, -1, -1]);
      const dys = nb === batchSize ? dy : tf.slice(dy, [n0, 0, 0, 0], [nb, -1, -1, -1]);
      const xp = padOrCrop4d(xs, [top, needRows - inHeight - top], [left, needCols - inWidth - left]);
      const taps: tf.Tensor4D[] = [];
      for (let r = 0; r < kh; r++) {
        for (let q = 0; q < kw; q++) taps.push(tapWindow(xp, r * dh, q * dw, outHeight, outWidth, sh, sw));
      }
      const p = nb * outHeight * outWidth;
      const patches = tf.reshape(taps.length === 1 ? taps[0] : tf.concat(taps, 3), [p, t, c]);
      const a = tf.transpose(patches, [2, 1, 0]); // [C, T, P]
      const b = tf.transpose(tf.reshape(dys, [p, c, m]), [1, 0, 2]); // [C, P, M]
      return tf.matMul(a, b) as tf.Tensor3D;
    });
    if (acc === null) acc = part;
    else {
      const sum: tf.Tensor3D = tf.add(acc, part);
      acc.dispose();
      part.dispose();
      acc = sum;
    }
  }
  return tf.tidy(() => tf.reshape(tf.transpose(acc!, [1, 0, 2]), [kh, kw, c, m]));
}

/**
 * dx[n, h, w, c] = sum over (m, kh, kw) of dy[n, (h + top - kh*dh) / sh, ..., c*M + m] * f[kh, kw, c, m]:
 * a depthwise correlation (multiplier 1, dilation d) of the stride-dilated, padded dy with the flipped
 * filter reshaped to [KH, KW, C*M, 1], followed by a sum over the M multiplier outputs of each channel.
 */
export function depthwiseConv2dBackpropInputNhwc(
  inputShape: [number, number, number, number],
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  strides: number | [number, number],
  dilations: number | [number, number],
  pad: tf.DepthwiseConv2dNativeBackpropInputAttrs['pad'],
  dimRoundingMode: tf.DepthwiseConv2dNativeBackpropInputAttrs['dimRoundingMode'],
): tf.Tensor4D {
  const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape, strides, dilations, pad, dimRoundingMode, true, 'channelsLast');
  const { batchSize, inHeight, inWidth, inChannels: c, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const [kh, kw, , m] = filter.shape;
  const { top, left } = info.padInfo;
  const effH = info.effectiveFilterHeight;
  const effW = info.effectiveFilterWidth;
  const dyd = dilateSpatial(dy, sh, sw);
  const padTop = effH - 1 - top;
  const padLeft = effW - 1 - left;
  const padBottom = inHeight + effH - 1 - padTop - dyd.shape[1];
  const padRight = inWidth + effW - 1 - padLeft - dyd.shape[2];
  const dyp = padOrCrop4d(dyd, [padTop, padBottom], [padLeft, padRight]);
  const flipped = tf.reshape(tf.reverse(filter, [0, 1]), [kh, kw, c * m, 1]) as tf.Tensor4D;
  const out = tf.depthwiseConv2d(dyp, flipped, 1, 'valid', 'NHWC', [dh, dw]);
  if (m === 1) return out;
  return tf.sum(tf.reshape(out, [batchSize, inHeight, inWidth, c, m]), 4);
}

export const depthwiseConv2dBackpropFilterKernel: tf.KernelFunc = ({ inputs, attrs }) => {
  const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
  return tf.tidy(() =>
    depthwiseConv2dBackpropFilterNhwc(
      asTensor<tf.Rank.R4>(inputs.x, 'x'),
      asTensor<tf.Rank.R4>(inputs.dy, 'dy'),
      filterShape,
      strides,
      dilations ?? 1,
      pad,
      dimRoundingMode,
    ),
  );
};

export const depthwiseConv2dBackpropInputKernel: tf.KernelFunc = ({ inputs, attrs }) => {
  const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
  return tf.tidy(() =>
    depthwiseConv2dBackpropInputNhwc(
      inputShape,
      asTensor<tf.Rank.R4>(inputs.dy, 'dy'),
      asTensor<tf.Rank.R4>(inputs.filter, 'filter'),
      strides,
      dilations ?? 1,
      pad,
      dimRoundingMode,
    ),
  );
};
