import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterKernel, conv2dBackpropInputKernel } from './conv2d-backprop.js';
import { depthwiseConv2dBackpropFilterKernel, depthwiseConv2dBackpropInputKernel } from './depthwise-conv2d-backprop.js';
import { wrapBatchMatMul, wrapLeadingReduce } from './fast-wrappers.js';
import { maxPoolGradKernel } from './max-pool-grad.js';
import { unsortedSegmentSumKernel } from './unsorted-segment-sum.js';

export { conv2dBackpropFilterNhwc, conv2dBackpropInputNhwc } from './conv2d-backprop.js';
export { depthwiseConv2dBackpropFilterNhwc, depthwiseConv2dBackpropInputNhwc } from './depthwise-conv2d-backprop.js';
export { maxPoolGradNhwc } from './max-pool-grad.js';
export { unsortedSegmentSum } from './unsorted-segment-sum.js';

const BACKEND = 'wasm';

/**
 * Gradient kernels that tfjs-backend-wasm 4.22 lacks, composed from kernels it has (Conv2D, BatchMatMul,
 * DepthwiseConv2dNative, ScatterNd, Slice, Pad, Concat, Transpose, ...):
 * - Conv2DBackpropFilter: Conv2D / Conv1D / SeparableConv2D / Conv2DTranspose weight gradients
 * - DepthwiseConv2dNativeBackpropFilter / ...Input: DepthwiseConv2D and SeparableConv2D gradients
 * - UnsortedSegmentSum: gather gradient (Embedding)
 */
const MISSING_KERNELS: Readonly<Record<string, tf.KernelFunc>> = {
  Conv2DBackpropFilter: conv2dBackpropFilterKernel,
  DepthwiseConv2dNativeBackpropFilter: depthwiseConv2dBackpropFilterKernel,
  DepthwiseConv2dNativeBackpropInput: depthwiseConv2dBackpropInputKernel,
  UnsortedSegmentSum: unsortedSegmentSumKernel,
};

/**
 * Kernels wasm has but implements as scalar loops; replaced by default by faster compositions.
 * Conv2DBackpropInput (gradient w.r.t. the input of every Conv2D but the first): XNNPACK Conv2D over the
 * dilated/padded dy with the flipped filter, ~6x faster on the benchmark CNN's second conv.
 */
const SLOW_KERNELS: Readonly<Record<string, tf.KernelFunc>> = {
  Conv2DBackpropInput: conv2dBackpropInputKernel,
};

/**
 * Kernels wasm has but computes wrongly; always replaced. MaxPoolGrad (MaxPooling2D/1D gradient) routes
 * gradients to wrong pixels when channels > 1 in tfjs-backend-wasm 4.22 (see max-pool-grad.ts).
 */
const BROKEN_KERNELS: Readonly<Record<string, tf.KernelFunc>> = {
  MaxPoolGrad: maxPoolGradKernel,
};

/**
 * Kernels wasm has with slow paths that training hits every step; wrapped so only the slow cases are
 * rewritten (see fast-wrappers.ts): transposed BatchMatMul (Dense gradients), Sum/Mean over leading axes
 * (bias gradients, BatchNormalization moments).
 */
const WRAPPERS: Readonly<Record<string, (original: tf.KernelFunc) => tf.KernelFunc>> = {
  BatchMatMul: wrapBatchMatMul,
  Sum: (original) => wrapLeadingReduce(original, false),
  Mean: (original) => wrapLeadingReduce(original, true),
};

/** Marks kernel functions this module installed, so repeated registration is a no-op. */
const OURS = new WeakSet<tf.KernelFunc>([
  ...Object.values(MISSING_KERNELS),
  ...Object.values(BROKEN_KERNELS),
  ...Object.values(SLOW_KERNELS),
]);

export interface WasmTrainingKernelOptions {
  /**
   * Also replace wasm's slow Conv2DBackpropInput and wrap the slow paths of BatchMatMul / Sum / Mean with
   * faster compositions. Default true; false registers only the missing kernels.
   */
  replaceSlowKernels?: boolean;
}

/** Names of the kernels registerWasmTrainingKernels may (re)register for the 'wasm' backend. */
export const WASM_TRAINING_KERNELS: readonly string[] = [
  ...Object.keys(MISSING_KERNELS),
  ...Object.keys(BROKEN_KERNELS),
  ...Object.keys(SLOW_KERNELS),
  ...Object.keys(WRAPPERS),
];

function replaceKernel(kernelName: string, kernelFunc: tf.KernelFunc): void {
  const existing = tf.getKernel(kernelName, BACKEND);
  if (existing != null) tf.unregisterKernel(kernelName, BACKEND);
  // Keep the original's setupFunc/disposeFunc: a wrapper still calls into the original kernel.
  tf.registerKernel({ ...existing, kernelName, backendName: BACKEND, kernelFunc });
}

/**
 * Registers, for the 'wasm' backend, the kernels that training common Keras layers needs and wasm lacks
 * (Conv2D, DepthwiseConv2D, SeparableConv2D, Conv1D, Conv2DTranspose, Embedding), a correct MaxPoolGrad
 * in place of wasm's broken one, and faster versions of slow wasm kernels unless
 * `replaceSlowKernels: false`. Idempotent: missing kernels already present (from wasm or an earlier call)
 * are left alone, and kernels this module installed are never installed twice. Call it after
 * `import '@tensorflow/tfjs-backend-wasm'`, e.g. right after `tf.setBackend('wasm')`; it is harmless when wasm is
 * never used. Returns the kernel names it registered.
 */
export function registerWasmTrainingKernels(options: WasmTrainingKernelOptions = {}): string[] {
  const registered: string[] = [];
  for (const [kernelName, kernelFunc] of Object.entries(MISSING_KERNELS)) {
    if (tf.getKernel(kernelName, BACKEND) != null) continue;
    tf.registerKernel({ kernelName, backendName: BACKEND, kernelFunc });
    registered.push(kernelName);
  }
  const install = (kernels: Readonly<Record<string, tf.KernelFunc>>) => {
    for (const [kernelName, kernelFunc] of Object.entries(kernels)) {
      const existing = tf.getKernel(kernelName, BACKEND);
      if (existing != null && OURS.has(existing.kernelFunc)) continue;
      if (existing != null) tf.unregisterKernel(kernelName, BACKEND);
      tf.registerKernel({ kernelName, backendName: BACKEND, kernelFunc });
      registered.push(kernelName);
    }
  };
  install(BROKEN_KERNELS);
  if (!(options.replaceSlowKernels ?? true)) return registered;
  install(SLOW_KERNELS);
  for (const [kernelName, wrap] of Object.entries(WRAPPERS)) {
    const existing = tf.getKernel(kernelName, BACKEND);
    // Without the wasm original (wasm not imported yet) there is nothing to wrap.
    if (existing == null || OURS.has(existing.kernelFunc)) continue;
    const wrapped = wrap(existing.kernelFunc);
    OURS.add(wrapped);
    replaceKernel(kernelName, wrapped);
    registered.push(kernelName);
  }
  return registered;
}
