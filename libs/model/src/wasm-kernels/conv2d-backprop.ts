import * as tf from '@tensorflow/tfjs';
import { asTensor, dilateSpatial, padOrCrop4d, toNchw, toNhwc } from './util.js';

/**
 * dW[kh, kw, ci, co] = sum over (n, oh, ow) of xPadded[n, oh*sh + kh, ow*sw + kw, ci] * dy[n, oh, ow, co].
 *
 * Read with ci as the batch axis and n as the channel axis, that is one valid Conv2D of
 * xPadded^T [Cin, Hp, Wp, N] with dy^T [OH, OW, N, Cout] as the filter, dilated by the stride:
 * the output [Cin, KH, KW, Cout] (cropped to KH x KW) transposed to [KH, KW, Cin, Cout]. It runs on the
 * XNNPACK-backed wasm Conv2D as one large GEMM and needs no im2col buffer (4-8x faster than
 * im2col via Slice/Concat + BatchMatMul on the benchmark CNN).
 */
export function conv2dBackpropFilterNhwc(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  strides: number | [number, number],
  pad: tf.Conv2DBackpropFilterAttrs['pad'],
  dimRoundingMode: tf.Conv2DBackpropFilterAttrs['dimRoundingMode'],
): tf.Tensor4D {
  const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  const { inHeight, inWidth, outHeight, outWidth } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
  const { top, left } = info.padInfo;
  // Rows/cols the forward conv actually reads (cropping any it skips), so the output is exactly KH x KW.
  const needRows = (outHeight - 1) * sh + kh;
  const needCols = (outWidth - 1) * sw + kw;
  const xt = tf.transpose(x, [3, 1, 2, 0]);
  const xp = padOrCrop4d(xt, [top, needRows - inHeight - top], [left, needCols - inWidth - left]);
  const dyAsFilter = tf.transpose(dy, [1, 2, 0, 3]);
  const dw = tf.conv2d(xp, dyAsFilter, 1, 'valid', 'NHWC', [sh, sw]);
  return tf.transpose(dw, [1, 2, 0, 3]);
}

/**
 * dx = valid correlation of the zero-dilated (by the stride) and padded dy with the spatially flipped,
 * in/out-transposed filter; runs on the XNNPACK-backed wasm Conv2D (~6x faster than wasm's own
 * Conv2DBackpropInput loop on the benchmark CNN).
 */
export function conv2dBackpropInputNhwc(
  inputShape: [number, number, number, number],
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  strides: number | [number, number],
  pad: tf.Conv2DBackpropInputAttrs['pad'],
  dimRoundingMode: tf.Conv2DBackpropInputAttrs['dimRoundingMode'],
): tf.Tensor4D {
  const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  const { inHeight, inWidth, strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
  const { top, left } = info.padInfo;
  const dyd = dilateSpatial(dy, sh, sw);
  const padTop = kh - 1 - top;
  const padLeft = kw - 1 - left;
  const padBottom = inHeight + kh - 1 - padTop - dyd.shape[1];
  const padRight = inWidth + kw - 1 - padLeft - dyd.shape[2];
  const dyp = padOrCrop4d(dyd, [padTop, padBottom], [padLeft, padRight]);
  const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
  return tf.conv2d(dyp, flipped, 1, 'valid');
}

export const conv2dBackpropFilterKernel: tf.KernelFunc = ({ inputs, attrs }) => {
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  return tf.tidy(() => {
    let x = asTensor<tf.Rank.R4>(inputs.x, 'x');
    let dy = asTensor<tf.Rank.R4>(inputs.dy, 'dy');
    if (dataFormat === 'NCHW') {
      x = toNhwc(x);
      dy = toNhwc(dy);
    }
    return conv2dBackpropFilterNhwc(x, dy, filterShape, strides, pad, dimRoundingMode);
  });
};

export const conv2dBackpropInputKernel: tf.KernelFunc = ({ inputs, attrs }) => {
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  return tf.tidy(() => {
    const dy = asTensor<tf.Rank.R4>(inputs.dy, 'dy');
    const filter = asTensor<tf.Rank.R4>(inputs.filter, 'filter');
    if (dataFormat === 'NCHW') {
      const [n, c, h, w] = inputShape;
      return toNchw(conv2dBackpropInputNhwc([n, h, w, c], toNhwc(dy), filter, strides, pad, dimRoundingMode));
    }
    return conv2dBackpropInputNhwc(inputShape, dy, filter, strides, pad, dimRoundingMode);
  });
};
