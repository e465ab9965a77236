import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { parseIdx } from '@tusk/data';
import { registerWasmTrainingKernels } from '@tusk/model';

/**
 * `npm run bench:cnn`: training throughput of a small Fashion-MNIST CNN
 * (Conv 32 3x3 relu, MaxPool 2, Conv 64 3x3 relu, MaxPool 2, Flatten, Dense 128 relu, Dense 10 softmax;
 * Adam 1e-3, batch 64) on tfjs wasm with registerWasmTrainingKernels() and on the pure-JS cpu backend.
 * Each backend: one warm-up batch, then 3 timed repetitions of a fixed number of trainOnBatch steps
 * (wasm 10 batches = 640 images, cpu 1 batch = 64 images, since cpu needs ~25 s per batch); samples/s is the
 * median of the 3. Ends with `RESULT cnn wasm_sps=.. cpu_sps=.. ratio_vs_cpu=..`. Runtime ~1.5-2 min.
 * Env: FASHION_MNIST_DIR (default /usr/share/datasets/fashion-mnist), CNN_BENCH_SKIP_CPU=1 to skip cpu.
 */
const BATCH = 64;
const REPS = 3;
const WASM_BATCHES = 10;
const CPU_BATCHES = 1;
const DATA_DIR = process.env.FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist';

interface Batch {
  xs: tf.Tensor4D;
  ys: tf.Tensor2D;
}

/** The first `count` training images scaled to [0, 1] as [count, 28, 28, 1] and their one-hot labels. */
function loadFashionMnist(count: number): { images: Float32Array; labels: Int32Array } {
  const images = parseIdx(readFileSync(join(DATA_DIR, 'train-images-idx3-ubyte.gz')));
  const labels = parseIdx(readFileSync(join(DATA_DIR, 'train-labels-idx1-ubyte.gz')));
  const pixels = 28 * 28;
  const out = new Float32Array(count * pixels);
  for (let i = 0; i < out.length; i++) out[i] = Number(images.data[i]) / 255;
  return { images: out, labels: Int32Array.from(labels.data.subarray(0, count), Number) };
}

function makeBatches(data: { images: Float32Array; labels: Int32Array }, batches: number): Batch[] {
  const pixels = 28 * 28;
  return Array.from({ length: batches }, (_, b) => ({
    xs: tf.tensor4d(data.images.subarray(b * BATCH * pixels, (b + 1) * BATCH * pixels), [BATCH, 28, 28, 1]),
    ys: tf.tidy(() => tf.oneHot(tf.tensor1d(data.labels.subarray(b * BATCH, (b + 1) * BATCH), 'int32'), 10) as tf.Tensor2D),
  }));
}

function buildCnn(): tf.Sequential {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu', kernelInitializer: init(2) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: init(3) }),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(4) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  return model;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(backend: string, data: { images: Float32Array; labels: Int32Array }, batches: number): Promise<number> {
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} is not available`);
  await tf.ready();
  const model = buildCnn();
  const train = makeBatches(data, batches);
  // Warm-up: first-call costs (wasm operator setup, shape-specialised paths) stay out of the timing.
  const warm = { xs: train[0].xs.slice(0, backend === 'cpu' ? 8 : BATCH), ys: train[0].ys.slice(0, backend === 'cpu' ? 8 : BATCH) };
  await model.trainOnBatch(warm.xs, warm.ys);
  tf.dispose([warm.xs, warm.ys]);
  const rates: number[] = [];
  let loss = NaN;
  for (let rep = 0; rep < REPS; rep++) {
    const t0 = performance.now();
    for (const { xs, ys } of train) loss = (await model.trainOnBatch(xs, ys)) as number;
    const seconds = (performance.now() - t0) / 1000;
    rates.push((batches * BATCH) / seconds);
    console.log(
      `  ${backend} rep ${rep + 1}: ${batches * BATCH} samples in ${seconds.toFixed(2)} s = ${rates[rep].toFixed(1)} samples/s ` +
        `(loss ${loss.toFixed(4)})`,
    );
  }
  for (const { xs, ys } of train) tf.dispose([xs, ys]);
  model.dispose();
  return median(rates);
}

async function bench(): Promise<number> {
  const data = loadFashionMnist(WASM_BATCHES * BATCH);
  await tf.setBackend('wasm');
  await tf.ready();
  const registered = registerWasmTrainingKernels();
  console.log(`cnn: tfjs ${tf.version.tfjs}, Fashion-MNIST 28x28x1, Conv32-Pool-Conv64-Pool-Dense128-Dense10, Adam 1e-3, batch ${BATCH}`);
  console.log(`wasm training kernels registered: ${registered.join(', ') || '(already registered)'}`);

  console.log(`\nwasm: ${REPS} reps x ${WASM_BATCHES} batches after 1 warm-up batch`);
  const wasmSps = await measure('wasm', data, WASM_BATCHES);
  console.log(`wasm: median ${wasmSps.toFixed(1)} samples/s`);

  let cpuSps = NaN;
  if (process.env.CNN_BENCH_SKIP_CPU !== '1') {
    console.log(`\ncpu: ${REPS} reps x ${CPU_BATCHES} batch after a warm-up batch of 8`);
    cpuSps = await measure('cpu', data, CPU_BATCHES);
    console.log(`cpu: median ${cpuSps.toFixed(2)} samples/s`);
  }
  const ratio = wasmSps / cpuSps;
  console.log(`\nRESULT cnn wasm_sps=${wasmSps.toFixed(1)} cpu_sps=${cpuSps.toFixed(2)} ratio_vs_cpu=${ratio.toFixed(1)}`);
  return 0;
}

bench().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
