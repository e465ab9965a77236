import * as tf from '@tensorflow/tfjs';
import { TuskClient } from '@tusk/client';
import { startClusterSession, type ClusterSession } from '../scripts/demo/cluster-session.js';
import { evaluateClassifier, useWasmBackend } from '../scripts/demo/evaluate.js';
import { decodeSplit, fashionMnistOrHint } from '../scripts/demo/fashion-mnist.js';
import { MLP_COMPILE, mlpTopology, mlpTraining } from '../scripts/demo/mlp.js';
import { trainOnTusk } from '../scripts/demo/train-on-tusk.js';
import { trainLocally, type RunFigures } from './lib/local-fit.js';
import { loadNote, median, table } from './lib/stats.js';

/** Largest accepted median (local - tusk) test accuracy gap, in percentage points. */
const MAX_DIFF_POINTS = 0.5;
const WORKERS = 2;

/** Seeds to compare on (`TUSK_PARITY_SEEDS=1,2,3`); each seed gives one local fit and one Tusk job. */
function paritySeeds(): number[] {
  const text = process.env.TUSK_PARITY_SEEDS ?? '1,2,3,4,5';
  const seeds = text.split(',').map((v) => Number(v.trim()));
  if (seeds.length === 0 || seeds.some((n) => !Number.isInteger(n) || n < 0))
    throw new Error(`TUSK_PARITY_SEEDS=${text}: must be whole numbers, comma-separated`);
  return seeds;
}

/** Averagings per epoch of the Tusk job (`TUSK_PARITY_ROUNDS_PER_EPOCH`, local SGD; default 1). */
function parityRoundsPerEpoch(): number {
  const text = process.env.TUSK_PARITY_ROUNDS_PER_EPOCH ?? '1';
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`TUSK_PARITY_ROUNDS_PER_EPOCH=${text}: must be a whole number from 1`);
  return value;
}

/**
 * `npm run bench:sync-parity`: the same Fashion-MNIST MLP (784-128-64-10, Adam 1e-3, batch 64, 3 epochs) trained
 * (a) with `model.fit` on tfjs wasm in this process and (b) as a synchronous Tusk job on 2 workers, once per seed;
 * both scored on the 10k test images. Both start from the same initial weights (@tusk/model's buildModel seeds
 * them from training.seed as the driver does). A Tusk job is a pure function of its seed, while model.fit shuffles
 * with Math.random, so the gap is reported as the median and range over several seeds.
 * Ends with `RESULT sync-parity local_acc=.. tusk_acc=.. diff_points=.. diff_min=.. diff_max=.. seeds=.. rounds_per_epoch=..`.
 */
async function bench(): Promise<number> {
  const files = fashionMnistOrHint();
  if (!files) return 1;
  const backend = await useWasmBackend();
  const seeds = paritySeeds();
  const roundsPerEpoch = parityRoundsPerEpoch();
  const topology = mlpTopology();
  const base = mlpTraining();
  console.log(
    `sync-parity: Fashion-MNIST, MLP 784-128-64-10 ReLU/softmax, Adam 1e-3, batch ${base.batchSize}, ${base.epochs} epochs, ` +
      `seeds ${seeds.join(', ')}; tfjs ${tf.version.tfjs} on ${backend}; ${await loadNote()}`,
  );
  const rounds = roundsPerEpoch > 1 ? `${roundsPerEpoch} rounds per epoch (local SGD)` : `${base.localEpochs} local epoch(s) per round`;
  console.log(`Tusk: synchronous, ${WORKERS} workers, ${base.partitions} partitions, ${rounds}`);
  const test = decodeSplit(files.test);
  const train = decodeSplit(files.train);
  const rows: { seed: number; local: RunFigures; tusk: RunFigures }[] = [];
  let session: ClusterSession | undefined;
  try {
    session = await startClusterSession({ workers: WORKERS, label: 'bench' });
    console.log(`cluster up: driver ${session.cluster.driverUrl}; service logs in ${session.logPath}`);
    const client = new TuskClient({ baseUrl: session.cluster.driverUrl });
    for (const seed of seeds) {
      const training = mlpTraining({ seed, ...(roundsPerEpoch > 1 ? { roundsPerEpoch } : {}) });
      console.log(`\nseed ${seed}: (a) local: model.fit's training step over seeded shuffles (${backend}, 1 process)`);
      const local = await trainLocally({ topology, training, train, test });
      console.log(`seed ${seed}: (b) Tusk`);
      const result = await trainOnTusk({
        client,
        split: files.train,
        datasetName: `fashion-mnist-train-${seed}`,
        model: topology,
        compile: MLP_COMPILE,
        training,
      });
      if (!result.model) {
        console.error(`the Tusk job ${result.job.status}: ${result.job.error ?? 'no model'} (service logs: ${session.logPath})`);
        return 1;
      }
      const evaluation = evaluateClassifier(result.model, test);
      result.model.dispose();
      const tusk = {
        accuracy: evaluation.accuracy,
        loss: evaluation.loss,
        seconds: result.trainSeconds,
        samplesPerSecond: result.samplesPerSecond,
      };
      console.log(
        `seed ${seed}: local ${local.accuracy.toFixed(4)}, tusk ${tusk.accuracy.toFixed(4)}, ` +
          `diff ${((local.accuracy - tusk.accuracy) * 100).toFixed(2)} points`,
      );
      rows.push({ seed, local, tusk });
    }
  } finally {
    await session?.stop();
  }

  const diffs = rows.map((r) => (r.local.accuracy - r.tusk.accuracy) * 100);
  console.log(
    `\n${table([
      ['seed', 'local_acc', 'tusk_acc', 'diff_points', 'local_s', 'tusk_s'],
      ...rows.map((r, i) => [
        r.seed,
        r.local.accuracy.toFixed(4),
        r.tusk.accuracy.toFixed(4),
        diffs[i].toFixed(2),
        r.local.seconds.toFixed(1),
        r.tusk.seconds.toFixed(1),
      ]),
    ])}`,
  );
  const localAcc = median(rows.map((r) => r.local.accuracy));
  const tuskAcc = median(rows.map((r) => r.tusk.accuracy));
  const diff = median(diffs);
  console.log(`${await loadNote()}`);
  console.log(
    `target median diff_points <= ${MAX_DIFF_POINTS}: ${diff <= MAX_DIFF_POINTS ? 'met' : 'NOT met'} (${diff.toFixed(2)}; ` +
      `range ${Math.min(...diffs).toFixed(2)} to ${Math.max(...diffs).toFixed(2)})`,
  );
  console.log(
    `RESULT sync-parity local_acc=${localAcc.toFixed(4)} tusk_acc=${tuskAcc.toFixed(4)} diff_points=${diff.toFixed(2)} ` +
      `diff_min=${Math.min(...diffs).toFixed(2)} diff_max=${Math.max(...diffs).toFixed(2)} seeds=${rows.length} ` +
      `rounds_per_epoch=${roundsPerEpoch}`,
  );
  return 0;
}

try {
  process.exitCode = await bench();
} catch (err) {
  console.error(`sync-parity failed: ${(err as Error).stack ?? err}`);
  process.exitCode = 1;
}
