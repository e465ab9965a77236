import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs';
import { buildModel, disposeOptimizer, getFlatWeights, selectBackend, trainEpochs } from '@tusk/model';
import { MLP_COMPILE, mlpTopology, NUM_CLASSES } from '../scripts/demo/mlp.js';
import { runMain } from './lib/bench-cluster.js';
import { fmt, loadNote, median, table } from './lib/stats.js';

/**
 * `npm run build && node dist/bench/seeded-loop.js`: throughput of @tusk/model's seeded trainEpochs against the
 * model.fit call it replaces on the workers (shuffle, yieldEvery 500 ms), on wasm, for the demo's 784-128-64-10 MLP
 * (Adam 1e-3, batch 64) on synthetic rows. Runs alternate fit / trainEpochs so drift in machine load hits both;
 * each run builds a fresh model and is timed in wall and process CPU seconds. Prints median and min–max per
 * method and `RESULT seeded-loop fit_sps=.. loop_sps=.. ratio=..` (loop over fit, medians of wall-clock rates).
 * trainEpochs run i uses seed i and prints a digest of its final weights: the same in every process that runs it.
 * Env: SEEDED_BENCH_ROWS (20000), SEEDED_BENCH_EPOCHS (2), SEEDED_BENCH_RUNS (5).
 */
const ROWS = Number(process.env.SEEDED_BENCH_ROWS ?? 20_000);
const EPOCHS = Number(process.env.SEEDED_BENCH_EPOCHS ?? 2);
const RUNS = Number(process.env.SEEDED_BENCH_RUNS ?? 5);
const BATCH = 64;

type Method = 'fit' | 'trainEpochs';

interface Run {
  wallS: number;
  cpuS: number;
  loss: number;
  digest: string;
}

async function once(method: Method, topology: Record<string, unknown>, x: tf.Tensor, y: tf.Tensor, seed: number): Promise<Run> {
  const model = await buildModel({ topology, compile: MLP_COMPILE, seed: 1 });
  try {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let loss: number;
    if (method === 'fit') {
      const history = await model.fit(x, y, { epochs: EPOCHS, batchSize: BATCH, shuffle: true, verbose: 0, yieldEvery: 500 });
      loss = Number(history.history.loss.at(-1));
    } else {
      loss = (await trainEpochs({ model, x, y, epochs: EPOCHS, batchSize: BATCH, seed, yieldEveryMs: 500 })).metrics.loss;
    }
    const wallS = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const digest = createHash('sha256').update(getFlatWeights(model)).digest('hex').slice(0, 12);
    return { wallS, cpuS: (cpu.user + cpu.system) / 1e6, loss, digest };
  } finally {
    disposeOptimizer(model.optimizer);
    model.dispose();
  }
}

async function main(): Promise<number> {
  console.log(
    `backend ${await selectBackend('wasm')}; ${ROWS} rows × ${EPOCHS} epochs, batch ${BATCH}, ${RUNS} runs each; ${await loadNote()}`,
  );
  const topology = mlpTopology();
  // Learnable synthetic data: labels from a fixed random linear map of the features.
  const { x, y } = tf.tidy(() => {
    const x = tf.randomUniform([ROWS, 784], 0, 1, 'float32', 1);
    const labels = tf.argMax(tf.matMul(x, tf.randomNormal([784, NUM_CLASSES], 0, 1, 'float32', 2)), 1);
    return { x, y: tf.oneHot(labels as tf.Tensor1D, NUM_CLASSES).toFloat() };
  });
  const runs: Record<Method, Run[]> = { fit: [], trainEpochs: [] };
  await once('fit', topology, x.slice(0, 2048), y.slice(0, 2048), 0); // warm-up: wasm setup stays out of the timing
  const tensorsBefore = tf.memory().numTensors;
  for (let i = 0; i < RUNS; i++) {
    for (const method of (i % 2 ? ['trainEpochs', 'fit'] : ['fit', 'trainEpochs']) as Method[]) {
      const run = await once(method, topology, x, y, i);
      runs[method].push(run);
      console.log(
        `  ${method.padEnd(11)} run ${i + 1}: ${fmt(run.wallS, 2)} s wall, ` +
          `${fmt(run.cpuS, 2)} s cpu, ${fmt((ROWS * EPOCHS) / run.wallS, 0)} samples/s, loss ${fmt(run.loss, 4)}, weights ${run.digest}`,
      );
    }
  }
  const sps = (r: Run) => (ROWS * EPOCHS) / r.wallS;
  const row = (m: Method) => {
    const rates = runs[m].map(sps);
    const cpu = runs[m].map((r) => r.cpuS);
    return [
      m,
      fmt(median(rates), 0),
      `${fmt(Math.min(...rates), 0)}–${fmt(Math.max(...rates), 0)}`,
      fmt(median(cpu), 2),
      `${fmt(Math.min(...cpu), 2)}–${fmt(Math.max(...cpu), 2)}`,
    ];
  };
  console.log(`\n${table([['method', 'samples/s median', 'min–max', 'cpu s median', 'min–max'], row('fit'), row('trainEpochs')])}`);
  console.log(`tensors: ${tensorsBefore} before the timed runs, ${tf.memory().numTensors} after; ${await loadNote()}`);
  const fitSps = median(runs.fit.map(sps));
  const loopSps = median(runs.trainEpochs.map(sps));
  console.log(`\nRESULT seeded-loop fit_sps=${fmt(fitSps, 0)} loop_sps=${fmt(loopSps, 0)} ratio=${fmt(loopSps / fitSps, 3)}`);
  tf.dispose([x, y]);
  return 0;
}

runMain('seeded-loop', main);
