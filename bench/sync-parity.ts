import * as tf from '@tensorflow/tfjs';
import { TuskClient } from '../scripts/demo/api-client.js';
import { startClusterSession, type ClusterSession } from '../scripts/demo/cluster-session.js';
import { evaluateClassifier, useWasmBackend } from '../scripts/demo/evaluate.js';
import { decodeSplit, fashionMnistOrHint } from '../scripts/demo/fashion-mnist.js';
import { MLP_COMPILE, mlpTopology, mlpTraining } from '../scripts/demo/mlp.js';
import { trainOnTusk } from '../scripts/demo/train-on-tusk.js';
import { trainLocally, type RunFigures } from './lib/local-fit.js';

/** Largest accepted (local - tusk) test accuracy gap, in percentage points. */
const MAX_DIFF_POINTS = 1.0;
const WORKERS = 2;

/**
 * `npm run bench:sync-parity`: the same Fashion-MNIST MLP (784-128-64-10, Adam 1e-3, batch 64, 3 epochs,
 * one seed) trained (a) with `model.fit` on tfjs wasm in this process and (b) as a synchronous Tusk job on
 * 2 workers; both scored on the 10k test images. Both start from the same initial weights: the local
 * model is built with @tusk/model's buildModel, which seeds the initializers from training.seed exactly
 * as the driver and workers do. Ends with `RESULT sync-parity local_acc=.. tusk_acc=.. diff_points=..`.
 */
async function bench(): Promise<number> {
  const files = fashionMnistOrHint();
  if (!files) return 1;
  const backend = await useWasmBackend();
  const training = mlpTraining();
  const topology = mlpTopology();
  console.log(`sync-parity: Fashion-MNIST, MLP 784-128-64-10 ReLU/softmax, Adam 1e-3, batch ${training.batchSize}, ${training.epochs} epochs, seed ${training.seed}; tfjs ${tf.version.tfjs} on ${backend}`);
  const test = decodeSplit(files.test);

  // (a) local model.fit in this process
  console.log(`\n(a) local model.fit (${backend}, 1 process)`);
  const train = decodeSplit(files.train);
  const local = await trainLocally({ topology, training, train, test });
  console.log(`local: test accuracy ${local.accuracy.toFixed(4)}, loss ${local.loss.toFixed(4)}, ${local.seconds.toFixed(1)} s, ${Math.round(local.samplesPerSecond)} samples/s`);

  // (b) Tusk synchronous, 2 workers
  console.log(`\n(b) Tusk synchronous: ${WORKERS} workers, ${training.partitions} partitions, ${training.localEpochs} local epoch(s) per round`);
  let session: ClusterSession | undefined;
  let tusk: RunFigures;
  try {
    session = await startClusterSession({ workers: WORKERS, label: 'bench' });
    console.log(`cluster up: driver ${session.cluster.driverUrl}; service logs in ${session.logPath}`);
    const client = new TuskClient(session.cluster.driverUrl);
    const result = await trainOnTusk({ client, split: files.train, datasetName: 'fashion-mnist-train', model: topology, compile: MLP_COMPILE, training });
    if (!result.model) {
      console.error(`the Tusk job ${result.job.status}: ${result.job.error ?? 'no model'} (service logs: ${session.logPath})`);
      return 1;
    }
    const evaluation = evaluateClassifier(result.model, test);
    result.model.dispose();
    tusk = { accuracy: evaluation.accuracy, loss: evaluation.loss, seconds: result.trainSeconds, samplesPerSecond: result.samplesPerSecond };
    console.log(`tusk: test accuracy ${tusk.accuracy.toFixed(4)}, loss ${tusk.loss.toFixed(4)}, ${tusk.seconds.toFixed(1)} s submit-to-done, ${Math.round(tusk.samplesPerSecond)} samples/s`);
  } finally {
    await session?.stop();
  }

  const diff = (local.accuracy - tusk.accuracy) * 100;
  console.log('\n               test_acc   test_loss   wall_s   samples/s');
  for (const [name, r] of [['local fit', local], [`tusk ${WORKERS}w sync`, tusk]] as const) {
    console.log(`${name.padEnd(14)} ${r.accuracy.toFixed(4).padStart(8)}   ${r.loss.toFixed(4).padStart(9)}   ${r.seconds.toFixed(1).padStart(6)}   ${String(Math.round(r.samplesPerSecond)).padStart(9)}`);
  }
  console.log(`speed-up tusk/local: ${(tusk.samplesPerSecond / local.samplesPerSecond).toFixed(2)}x`);
  console.log(`target diff_points <= ${MAX_DIFF_POINTS}: ${diff <= MAX_DIFF_POINTS ? 'met' : 'NOT met'} (${diff.toFixed(2)})`);
  console.log(`RESULT sync-parity local_acc=${local.accuracy.toFixed(4)} tusk_acc=${tusk.accuracy.toFixed(4)} diff_points=${diff.toFixed(2)}`);
  return 0;
}

try {
  process.exitCode = await bench();
} catch (err) {
  console.error(`sync-parity failed: ${(err as Error).stack ?? err}`);
  process.exitCode = 1;
}
