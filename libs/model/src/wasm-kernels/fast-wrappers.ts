import * as tf from '@tensorflow/tfjs';

/**
 * Wrappers around existing wasm kernels whose slow paths training hits on every step. Each wrapper
 * recognises the slow case, rewrites it into the fast case, and defers everything else to the original
 * kernel function unchanged.
 */

/**
 * BatchMatMul: wasm runs XNNPACK only when neither operand is transposed; with transposeA or transposeB
 * (every Dense/MatMul gradient: dW = x^T dy, dx = dy W^T) it falls back to a scalar loop that is 5-10x
 * slower. Transposing the operand explicitly first (wasm Transpose) and multiplying untransposed is faster.
 */
export function wrapBatchMatMul(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
    const { a, b } = args.inputs;
    if ((!transposeA && !transposeB) || !(a instanceof tf.Tensor) || !(b instanceof tf.Tensor)) return original(args);
    const swapLast2 = (t: tf.Tensor): tf.Tensor => {
      const perm = [...Array(t.rank).keys()];
      [perm[t.rank - 2], perm[t.rank - 1]] = [perm[t.rank - 1], perm[t.rank - 2]];
      return tf.transpose(t, perm);
    };
    const a2 = transposeA ? swapLast2(a) : a;
    const b2 = transposeB ? swapLast2(b) : b;
    try {
      return original({ ...args, inputs: { a: a2, b: b2 }, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
    } finally {
      if (a2 !== a) a2.dispose();
      if (b2 !== b) b2.dispose();
    }
  };
}

/** Number of leading axes `axis` reduces when it is exactly [0, 1, ..., k-1] with 0 < k < rank, else 0. */
function leadingAxes(axis: number | number[], rank: number): number {
  const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)))].sort((p, q) => p - q);
  if (axes.length === 0 || axes.length >= rank) return 0;
  return axes.every((a, i) => a === i) ? axes.length : 0;
}

/**
 * Sum / Mean over leading axes (bias gradients of Conv2D/Dense: sum over [0, 1, 2] of an NHWC dy; the
 * batch moments of BatchNormalization): wasm transposes the reduced axes innermost and then reduces, ~15x
 * slower than ones[1, R] x x[R, C] on the XNNPACK matmul.
 */
export function wrapLeadingReduce(original: tf.KernelFunc, mean: boolean): tf.KernelFunc {
  return (args) => {
    const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
    const { x } = args.inputs;
    if (!(x instanceof tf.Tensor) || x.dtype !== 'float32' || x.size === 0) return original(args);
    const k = leadingAxes(axis, x.rank);
    if (k === 0) return original(args);
    const rows = x.shape.slice(0, k).reduce((p: number, q: number) => p * q, 1);
    const rest = x.shape.slice(k);
    const cols = rest.reduce((p: number, q: number) => p * q, 1);
    if (cols === 1) return original(args);
    return tf.tidy(() => {
      const ones = tf.fill([1, rows], mean ? 1 / rows : 1);
      // tf.clone: wasm BatchMatMul caches XNNPACK's packed right operand by data id, ignoring its shape, so
      // a reshape of x (same data id) reduced earlier with a different split of axes would reuse stale packing.
      const reduced = tf.matMul(ones, tf.reshape(tf.clone(x), [rows, cols]));
      return tf.reshape(reduced, keepDims ? [...Array(k).fill(1), ...rest] : rest);
    });
  };
}
