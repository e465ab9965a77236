import { cpus, loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import type { PushFrequency, StalePolicy, TrainingMode } from '@tusk/contracts';
import { TuskClient } from '@tusk/client';
import { startClusterSession, type ClusterSession } from '../scripts/demo/cluster-session.js';
import { evaluateClassifier, useWasmBackend } from '../scripts/demo/evaluate.js';
import { decodeSplit, fashionMnistOrHint } from '../scripts/demo/fashion-mnist.js';
import { MLP_COMPILE, mlpTopology, mlpTraining } from '../scripts/demo/mlp.js';
import { trainLocally, type RunFigures } from './lib/local-fit.js';
import { fmt, table } from './lib/stats.js';
import { runJob, uploadSplit } from './lib/tusk-job.js';

/** Largest accepted |local - tusk| test accuracy gap, in percentage points, for both modes. */
const MAX_DIFF_POINTS = 2.0;
const WORKERS = 2;
/**
 * Push schedule of the RESULT line: every 5 batches of 64 (320 samples), no staleness bound. Measured on this
 * 2-core machine (test accuracy minus local, points; one run each, unseeded worker shuffles):
 *   epoch (Elephas' default)   async -6.2   hogwild -9.6
 *   batch/50                   async -13.8  hogwild -0.7   (unstable: whole-step deltas of 2 Adam workers summed)
 *   batch/20                   async -3.5   hogwild -2.4
 *   batch/10                   async -1.8   hogwild -2.0
 *   batch/20, maxStaleness 0 scale   async -2.3  hogwild -1.8
 *   batch/10, maxStaleness 0 scale   async -1.6  hogwild -0.5
 *   batch/5                    async -0.7   hogwild -0.5
 * Each worker runs its own Adam and the server sums their deltas, so the longer a step, the more two
 * steps computed from the same base overshoot; short steps keep staleness (in samples) small.
 */
const DEFAULT_CONFIGS = 'batch:5';

interface PushConfig {
  frequency: PushFrequency;
  pushEvery: number;
  maxStaleness?: number;
  stalePolicy?: StalePolicy;
}

interface ModeFigures extends RunFigures {
  mode: TrainingMode;
  config: PushConfig;
  jobSeconds: number;
  pushes: number;
  stale: number;
  rejected: number;
  scaled: number;
  version: number;
  pushesPerSecond: number;
}

const describe = (c: PushConfig): string => {
  const every = c.frequency === 'epoch' ? 'epoch' : `batch/${c.pushEvery}`;
  return `${every}${c.maxStaleness !== undefined ? ` s<=${c.maxStaleness} ${c.stalePolicy ?? 'reject'}` : ''}`;
};

/**
 * `ASYNC_PARITY_CONFIGS=batch:20,epoch,batch:50:4:scale`: frequency[:pushEvery[:maxStaleness[:policy]]], comma-separated;
 * the first one makes the RESULT line.
 */
function parseConfigs(text: string): PushConfig[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const [frequency, every, stale, policy] = s.split(':');
      if (frequency !== 'epoch' && frequency !== 'batch') throw new Error(`ASYNC_PARITY_CONFIGS: ${s}: frequency must be epoch or batch`);
      const config: PushConfig = { frequency, pushEvery: every ? Number(every) : 1 };
      if (!Number.isInteger(config.pushEvery) || config.pushEvery < 1)
        throw new Error(`ASYNC_PARITY_CONFIGS: ${s}: pushEvery must be a positive integer`);
      if (stale !== undefined && stale !== '') config.maxStaleness = Number(stale);
      if (policy) config.stalePolicy = policy as StalePolicy;
      return config;
    });
}

/**
 * `npm run bench:async-parity`: the Fashion-MNIST MLP of bench:sync-parity (784-128-64-10 ReLU/softmax, Adam
 * 1e-3, batch 64, 3 epochs, one seed) trained (a) with local model.fit, (b) as an asynchronous Tusk job and
 * (c) as a hogwild Tusk job, 2 workers each on one local cluster; all scored on the 10k test images. Ends
 * with `RESULT async-parity local_acc=.. async_acc=.. hogwild_acc=.. pushes_per_s=..` (pushes/s of the
 * asynchronous job: its pushes over its startedAt..finishedAt seconds).
 */
async function bench(): Promise<number> {
  const files = fashionMnistOrHint();
  if (!files) return 1;
  const configs = parseConfigs(process.env.ASYNC_PARITY_CONFIGS ?? DEFAULT_CONFIGS);
  const backend = await useWasmBackend();
  const training = mlpTraining();
  const topology = mlpTopology();
  console.log(
    `async-parity: Fashion-MNIST, MLP 784-128-64-10 ReLU/softmax, Adam 1e-3, batch ${training.batchSize}, ` +
      `${training.epochs} epochs, seed ${training.seed}; tfjs ${tf.version.tfjs} on ${backend}`,
  );
  console.log(`push schedules: ${configs.map(describe).join(', ')} (the first makes the RESULT line)`);
  const test = decodeSplit(files.test);

  console.log(`\n(a) local model.fit (${backend}, 1 process)`);
  const local = await trainLocally({ topology, training, train: decodeSplit(files.train), test });
  console.log(
    `local: test accuracy ${local.accuracy.toFixed(4)}, loss ${local.loss.toFixed(4)}, ` +
      `${local.seconds.toFixed(1)} s, ${Math.round(local.samplesPerSecond)} samples/s`,
  );

  const runs: ModeFigures[] = [];
  let session: ClusterSession | undefined;
  try {
    session = await startClusterSession({ workers: WORKERS, label: 'bench-async' });
    console.log(
      `\ncluster up: driver ${session.cluster.driverUrl}, ${WORKERS} workers, 1 parameter server; service logs in ${session.logPath}`,
    );
    const client = new TuskClient({ baseUrl: session.cluster.driverUrl });
    const { dataset, seconds } = await uploadSplit({
      client,
      split: files.train,
      name: 'fashion-mnist-train',
      partitions: training.partitions,
      seed: training.seed,
    });
    console.log(`dataset ${dataset.id}: ${dataset.rows} rows, ${dataset.partitions.length} partitions (${seconds.toFixed(1)} s)`);
    let step = 'b';
    for (const config of configs) {
      for (const mode of ['asynchronous', 'hogwild'] as const) {
        console.log(`\n(${step}) Tusk ${mode}, ${describe(config)}: ${WORKERS} workers, ${training.partitions} partitions`);
        step = String.fromCharCode(step.charCodeAt(0) + 1);
        const run = await runJob({
          client,
          dataset,
          model: topology,
          compile: MLP_COMPILE,
          name: `async-parity ${mode} ${describe(config)}`,
          training: {
            mode,
            epochs: training.epochs,
            batchSize: training.batchSize,
            partitions: training.partitions,
            seed: training.seed,
            validationSplit: 0,
            ...config,
          },
        });
        if (!run.model) {
          console.error(`the ${mode} job ${run.job.status}: ${run.job.error ?? 'no model'} (service logs: ${session.logPath})`);
          return 1;
        }
        const evaluation = evaluateClassifier(run.model, test);
        run.model.dispose();
        const stats = run.job.pushStats ?? {
          pushes: Number.NaN,
          stale: Number.NaN,
          rejected: Number.NaN,
          scaled: Number.NaN,
          version: Number.NaN,
        };
        const figures: ModeFigures = {
          mode,
          config,
          accuracy: evaluation.accuracy,
          loss: evaluation.loss,
          seconds: run.submitSeconds,
          jobSeconds: run.jobSeconds,
          samplesPerSecond: (dataset.rows * training.epochs) / run.submitSeconds,
          ...stats,
          pushesPerSecond: stats.pushes / run.jobSeconds,
        };
        runs.push(figures);
        console.log(
          `${mode}: test accuracy ${figures.accuracy.toFixed(4)}, loss ${figures.loss.toFixed(4)}, ${figures.seconds.toFixed(1)} s ` +
            `submit-to-done (${figures.jobSeconds.toFixed(1)} s job), ${Math.round(figures.samplesPerSecond)} samples/s; ` +
            `pushes ${figures.pushes} (${fmt(figures.pushesPerSecond, 2)}/s), stale ${figures.stale}, rejected ${figures.rejected}, ` +
            `scaled ${figures.scaled}, version ${figures.version}`,
        );
      }
    }
  } finally {
    await session?.stop();
  }

  console.log(
    `\nmachine: ${cpus().length} cores, load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} (timings are wall-clock: other processes on the machine slow them)`,
  );
  console.log(
    table([
      [
        'run',
        'schedule',
        'test_acc',
        'diff_pts',
        'test_loss',
        'wall_s',
        'job_s',
        'samples/s',
        'pushes',
        'pushes/s',
        'stale',
        'rejected',
        'scaled',
      ],
      [
        'local fit',
        '-',
        local.accuracy.toFixed(4),
        '0.00',
        local.loss.toFixed(4),
        fmt(local.seconds),
        '-',
        Math.round(local.samplesPerSecond),
        '-',
        '-',
        '-',
        '-',
        '-',
      ],
      ...runs.map((r) => [
        `tusk ${WORKERS}w ${r.mode}`,
        describe(r.config),
        r.accuracy.toFixed(4),
        ((r.accuracy - local.accuracy) * 100).toFixed(2),
        r.loss.toFixed(4),
        fmt(r.seconds),
        fmt(r.jobSeconds),
        Math.round(r.samplesPerSecond),
        r.pushes,
        fmt(r.pushesPerSecond, 2),
        r.stale,
        r.rejected,
        r.scaled,
      ]),
    ]),
  );
  const chosenAsync = runs.find((r) => r.mode === 'asynchronous')!;
  const chosenHogwild = runs.find((r) => r.mode === 'hogwild')!;
  const dAsync = (chosenAsync.accuracy - local.accuracy) * 100;
  const dHogwild = (chosenHogwild.accuracy - local.accuracy) * 100;
  const met = Math.abs(dAsync) <= MAX_DIFF_POINTS && Math.abs(dHogwild) <= MAX_DIFF_POINTS;
  console.log(
    `speed-up vs local (samples/s, submit-to-done): ` +
      `asynchronous ${(chosenAsync.samplesPerSecond / local.samplesPerSecond).toFixed(2)}x, ` +
      `hogwild ${(chosenHogwild.samplesPerSecond / local.samplesPerSecond).toFixed(2)}x`,
  );
  console.log(
    `target |diff| <= ${MAX_DIFF_POINTS} points for both modes (${describe(chosenAsync.config)}): ${met ? 'met' : 'NOT met'} ` +
      `(asynchronous ${dAsync.toFixed(2)}, hogwild ${dHogwild.toFixed(2)})`,
  );
  console.log(
    `RESULT async-parity local_acc=${local.accuracy.toFixed(4)} async_acc=${chosenAsync.accuracy.toFixed(4)} ` +
      `hogwild_acc=${chosenHogwild.accuracy.toFixed(4)} pushes_per_s=${fmt(chosenAsync.pushesPerSecond, 2)}`,
  );
  return 0;
}

try {
  process.exitCode = await bench();
} catch (err) {
  console.error(`async-parity failed: ${(err as Error).stack ?? err}`);
  process.exitCode = 1;
}
