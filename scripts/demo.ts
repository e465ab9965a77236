import { TuskClient } from '@tusk/client';
import { startClusterSession, type ClusterSession } from './demo/cluster-session.js';
import { evaluateClassifier, useWasmBackend } from './demo/evaluate.js';
import { decodeSplit, FASHION_MNIST_CLASSES, fashionMnistOrHint } from './demo/fashion-mnist.js';
import { MLP_COMPILE, mlpTopology, mlpTraining } from './demo/mlp.js';
import { trainOnTusk } from './demo/train-on-tusk.js';

/** The test accuracy the demo's MLP is expected to reach on Fashion-MNIST. */
export const TARGET_ACCURACY = 0.84;
const WORKERS = 2;

/**
 * `npm run demo`: a local Tusk (NATS, S3, driver, parameter server, 2 workers) trains a 784-128-64-10
 * MLP on Fashion-MNIST through the REST API, then the downloaded model is scored on the 10k test images.
 * Exits 0 when the job succeeded; the last line is `RESULT demo test_acc=... samples_per_s=... workers=2`.
 */
async function demo(): Promise<number> {
  const files = fashionMnistOrHint();
  if (!files) return 1;
  const backend = await useWasmBackend();
  const training = mlpTraining();
  console.log(
    `Tusk demo: Fashion-MNIST from ${files.dir}, ${WORKERS} workers, MLP 784-128-64-10, Adam 1e-3, ` +
      `batch ${training.batchSize}, ${training.epochs} epochs, ${training.localEpochs} local epoch(s) ` +
      `per round, ${training.partitions} partitions`,
  );

  const started = performance.now();
  let session: ClusterSession | undefined;
  try {
    session = await startClusterSession({ workers: WORKERS, label: 'demo' });
    console.log(
      `cluster up in ${((performance.now() - started) / 1000).toFixed(1)} s: ` +
        `driver ${session.cluster.driverUrl}, ${session.cluster.workers().length} workers; service logs in ${session.logPath}`,
    );
    const client = new TuskClient({ baseUrl: session.cluster.driverUrl });
    const result = await trainOnTusk({
      client,
      split: files.train,
      datasetName: 'fashion-mnist-train',
      model: mlpTopology(),
      compile: MLP_COMPILE,
      training,
    });
    console.log(
      `training: ${result.trainSeconds.toFixed(1)} s from submit to ${result.job.status}, ${Math.round(result.samplesPerSecond)} samples/s`,
    );
    if (!result.model) {
      console.error(`job ${result.job.id} ${result.job.status}: ${result.job.error ?? 'no model'} (service logs: ${session.logPath})`);
      console.log(`RESULT demo test_acc=0 samples_per_s=${Math.round(result.samplesPerSecond)} workers=${WORKERS}`);
      return 1;
    }
    const test = decodeSplit(files.test);
    const evaluation = evaluateClassifier(result.model, test);
    result.model.dispose();
    console.log(
      `test set (${evaluation.samples} images, local tfjs ${backend}): accuracy ${evaluation.accuracy.toFixed(4)}, ` +
        `loss ${evaluation.loss.toFixed(4)}`,
    );
    console.log(`  per class: ${evaluation.perClass.map((a, i) => `${FASHION_MNIST_CLASSES[i]} ${a.toFixed(2)}`).join(', ')}`);
    const met = evaluation.accuracy >= TARGET_ACCURACY;
    console.log(`target test accuracy >= ${TARGET_ACCURACY}: ${met ? 'met' : 'NOT met'} (${evaluation.accuracy.toFixed(4)})`);
    console.log(
      `RESULT demo test_acc=${evaluation.accuracy.toFixed(4)} samples_per_s=${Math.round(result.samplesPerSecond)} workers=${WORKERS}`,
    );
    return 0;
  } finally {
    await session?.stop();
  }
}

try {
  process.exitCode = await demo();
} catch (err) {
  console.error(`demo failed: ${(err as Error).stack ?? err}`);
  process.exitCode = 1;
}
