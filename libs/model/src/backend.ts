import * as tf from '@tensorflow/tfjs';
import { registerWasmTrainingKernels } from './wasm-kernels/index.js';

export type BackendChoice = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

/** The forced backend could not be started. */
export class BackendUnavailableError extends Error {
  constructor(choice: string, cause: unknown) {
    super(`TUSK_BACKEND=${choice} is not available here: ${String(cause)}`);
    this.name = 'BackendUnavailableError';
  }
}

async function tryTensorflow(): Promise<boolean> {
  try {
    // Optional dependency: absent where libtensorflow could not be downloaded at install time.
    const name = '@tensorflow/tfjs-node';
    await import(name);
    return await tf.setBackend('tensorflow');
  } catch {
    return false;
  }
}

async function tryWasm(): Promise<boolean> {
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    if (!(await tf.setBackend('wasm'))) return false;
    // wasm lacks (or gets wrong) kernels that training Conv, DepthwiseConv, MaxPool and Embedding needs.
    registerWasmTrainingKernels();
    return true;
  } catch {
    return false;
  }
}

/** Picks the fastest backend this machine has: tfjs-node, then wasm, then the pure-JS cpu backend. */
export async function selectBackend(choice: BackendChoice = 'auto'): Promise<string> {
  const attempts: Record<Exclude<BackendChoice, 'auto'>, () => Promise<boolean>> = {
    tensorflow: tryTensorflow,
    wasm: tryWasm,
    cpu: () => tf.setBackend('cpu'),
  };
  if (choice !== 'auto') {
    if (!(await attempts[choice]())) throw new BackendUnavailableError(choice, 'backend failed to initialise');
  } else if (!(await tryTensorflow()) && !(await tryWasm())) {
    await tf.setBackend('cpu');
  }
  await tf.ready();
  return tf.getBackend();
}
