import * as tf from '@tensorflow/tfjs';
import type { JobRecord, ParamDomain, SweepRecord, SweepScheduler, TrialRecord } from '@tusk/contracts';
import { TuskClient, type CreateSweepRequest, type DatasetUpload } from '@tusk/client';
import { startClusterSession, type ClusterSession } from '../scripts/demo/cluster-session.js';
import { evaluateClassifier, modelFromFiles, useWasmBackend } from '../scripts/demo/evaluate.js';
import { decodeSplit, fashionMnistOrHint, readSplitBytes, type DecodedSplit } from '../scripts/demo/fashion-mnist.js';
import { mlpTopology } from '../scripts/demo/mlp.js';
import { splitIdxPair } from './lib/idx-subset.js';
import { fmt, loadNote, median, spread } from './lib/stats.js';
import { followTrials } from './lib/follow-trials.js';
import { formatParams, leaderboard, sweepFigures, type SweepFigures } from './lib/sweep-summary.js';

/**
 * `npm run bench:sweep`: what ASHA saves on a real search. A 16-trial random search (seeded) over Adam's
 * learning rate (loguniform 1e-4..3e-2) and the batch size (32/64/128/256) for the Fashion-MNIST MLP
 * (784-128-64-10, the demo's), maximising `val_accuracy`, run twice on the same local cluster of 2 workers:
 *   asha: scheduler asha (gracePeriod 1, reductionFactor 3, maxRounds 9: rungs at rounds 1 and 3);
 *   full: scheduler none, every trial trained for the same 9 rounds.
 * Both draw the same 16 configurations (same sampler seed) and run at most the same number of trials at
 * once; the bench checks that the parameters match. Per run it prints the wall time (the sweep record's
 * createdAt to finishedAt), the rounds run, the best val_accuracy with its parameters (and that trial's
 * final model scored on the 10k test images, for information), and the leaderboard. It ends with
 * `RESULT sweep asha_s=.. full_s=.. speedup=.. asha_best=.. full_best=.. ...` (medians over the repetitions).
 * Target: speedup >= 2.5 with asha_best at most 0.5 points below full_best.
 *
 * Data: the 60k training images are split by a seeded permutation into a validation set
 * (TUSK_SWEEP_VAL_ROWS, 10k: every round's averaged model is evaluated on it by the workers, which gives
 * `val_accuracy` on the weights the trial would hand back, not on one worker's pre-averaging copy as
 * validationSplit would) and a training set (TUSK_SWEEP_ROWS, 30k); the test split is never searched on.
 *
 * Why these settings (one repetition must stay well under 15 minutes on 2 shared cores):
 * - 30k training rows: a repetition (both searches, warm-up excluded) takes ~4 minutes at load 1-3 and ~5.5 at
 *   load 3-5 (the full search ~160-230 s); the full 50k would make it ~7-9. Each task still trains 1-3 s, so
 *   the fixed per-round cost (averaging, weights to S3, validation) does not dominate either run.
 * - maxRounds 9, η 3, grace 1 (1 epoch per round): the textbook ASHA geometry; rungs at 1 and 3 keep about a
 *   third of the trials at each, so a synchronous ASHA would run 16·1 + 5.3·2 + 1.8·6 ≈ 37 rounds against
 *   144, i.e. ~3.9× fewer; asynchronous promotion (the first trials at a rung always go on) keeps more: with
 *   seed 1, 7 trials pass round 1 and 3 round 3, 48 rounds (3.0×), 2.6-2.8× in time.
 * - 2 partitions per trial (the demo's job): one trial keeps both workers busy, so ASHA's tail (the last
 *   promoted trials running alone) still uses the whole cluster.
 * - maxConcurrentTrials 4: 8 tasks in flight for 2 workers, enough that one trial's round boundary
 *   (averaging, validation) is filled with another's training; higher would let more trials pass rung 1
 *   before ASHA has seen enough values to stop them, and changes nothing for the full search.
 * TUSK_BENCH_REPS repetitions (default 1) alternate the order (asha first, then full first...); an untimed
 * 1-epoch job first warms the workers up (V8's wasm tiers, the partition caches).
 */

const WORKERS = 2;
const TRIALS = 16;
const PARTITIONS = 2;
/** Largest accepted (full_best - asha_best), in accuracy points. */
const MAX_BEST_GAP_POINTS = 0.5;
const TARGET_SPEEDUP = 2.5;

function envInt(name: string, fallback: number, min = 1): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name}=${v}: must be a whole number >= ${min}`);
  return n;
}

const REPS = envInt('TUSK_BENCH_REPS', 1);
const TRAIN_ROWS = envInt('TUSK_SWEEP_ROWS', 30_000);
const VAL_ROWS = envInt('TUSK_SWEEP_VAL_ROWS', 10_000);
const MAX_ROUNDS = envInt('TUSK_SWEEP_MAX_ROUNDS', 9);
const REDUCTION = envInt('TUSK_SWEEP_ETA', 3, 2);
const GRACE = envInt('TUSK_SWEEP_GRACE', 1);
const CONCURRENCY = envInt('TUSK_SWEEP_CONCURRENCY', 4);
const SAMPLER_SEED = envInt('TUSK_SWEEP_SEED', 1, 0);
/** The data split's and the trials' (initial weights, shuffles) seed. */
const SEED = 42;

const SPACE: Record<string, ParamDomain> = {
  'compile.optimizer.config.learning_rate': { type: 'loguniform', min: 1e-4, max: 3e-2 },
  'training.batchSize': { type: 'choice', values: [32, 64, 128, 256] },
};

type Variant = 'asha' | 'full';

interface Run {
  variant: Variant;
  rep: number;
  sweep: SweepRecord;
  figures: SweepFigures;
  /** The best trial's final model on the test split (NaN when it has none). */
  testAccuracy: number;
}

const SCHEDULERS: Record<Variant, SweepScheduler> = {
  asha: { type: 'asha', gracePeriod: GRACE, reductionFactor: REDUCTION, maxRounds: MAX_ROUNDS },
  full: { type: 'none' },
};

/** ASHA's decision rounds: grace × η^k below maxRounds (as the driver computes them). */
function rungRounds(): number[] {
  const rungs: number[] = [];
  for (let r = GRACE; r < MAX_ROUNDS; r *= REDUCTION) rungs.push(r);
  return rungs;
}

async function runSweep({
  client,
  variant,
  rep,
  baseJob,
  test,
}: {
  client: TuskClient;
  variant: Variant;
  rep: number;
  baseJob: Record<string, unknown>;
  test: DecodedSplit;
}): Promise<Run> {
  const body: CreateSweepRequest = {
    name: `bench ${variant} rep ${rep}`,
    baseJob,
    space: SPACE,
    sampler: { type: 'random', seed: SAMPLER_SEED },
    maxTrials: TRIALS,
    maxConcurrentTrials: CONCURRENCY,
    metric: 'val_accuracy',
    mode: 'max',
    scheduler: SCHEDULERS[variant],
  };
  console.log(`\n== ${variant} (repetition ${rep}/${REPS}; ${await loadNote()})`);
  const started = performance.now();
  const created = await client.createSweep(body);
  console.log(
    `sweep ${created.id}: ${created.trials.length} trials, scheduler ${JSON.stringify(created.spec.scheduler)}, ` +
      `at most ${created.spec.maxConcurrentTrials} at once`,
  );
  const stamp = () => `[${String(((performance.now() - started) / 1000).toFixed(1)).padStart(6)} s]`;
  const onChange = (t: TrialRecord, before: TrialRecord | undefined) => {
    for (const r of t.rungs.slice(before?.rungs.length ?? 0)) {
      console.log(`${stamp()} #${t.index} round ${r.round}: ${r.value.toFixed(4)} -> ${r.decision === 'continue' ? 'go on' : 'stop'}`);
    }
    if (before?.status === t.status) return;
    if (t.status === 'running' || (t.status === 'queued' && before))
      console.log(`${stamp()} #${t.index} ${t.status} (${formatParams(t.params)})${t.jobId ? ` job ${t.jobId}` : ''}`);
    else if (t.status !== 'pending' && t.status !== 'queued')
      console.log(
        `${stamp()} #${t.index} ${t.status} after ${t.roundsRun} round(s), ` +
          `best ${t.best?.toFixed(4) ?? '-'}${t.error ? `: ${t.error}` : ''}`,
      );
  };
  const sweep = await followTrials(client, created.id, onChange, { pollMs: 1_000, timeoutMs: 45 * 60_000 });
  const figures = sweepFigures(sweep, (performance.now() - started) / 1000);

  // Each trial's job seconds (startedAt to finishedAt), for the leaderboard: where the time went.
  const jobSeconds = new Map<number, number>();
  const jobs = new Map<number, JobRecord>();
  await Promise.all(
    sweep.trials
      .filter((t) => t.jobId)
      .map(async (t) => {
        const job = await client.job(t.jobId!).catch(() => undefined);
        if (!job) return;
        jobs.set(t.index, job);
        if (job.startedAt && job.finishedAt) jobSeconds.set(t.index, (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000);
      }),
  );

  let testAccuracy = Number.NaN;
  const bestJob = figures.bestTrial ? jobs.get(figures.bestTrial.index) : undefined;
  if (bestJob?.modelReady) {
    try {
      const model = await modelFromFiles(await client.downloadModel(bestJob.id));
      testAccuracy = evaluateClassifier(model, test).accuracy;
      model.dispose();
    } catch (err) {
      console.log(`(the best trial's model could not be scored: ${(err as Error).message})`);
    }
  }

  const trials = Object.entries(figures.byStatus)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  console.log(
    `\n${variant}: sweep ${sweep.id} ${sweep.status}${sweep.error ? ` (${sweep.error})` : ''} in ${figures.wallSeconds.toFixed(1)} s ` +
      `(client ${figures.clientSeconds.toFixed(1)} s); ${figures.rounds} rounds in total; trials ${trials}`,
  );
  if (figures.bestTrial) {
    const b = figures.bestTrial;
    console.log(
      `${variant}: best val_accuracy ${figures.best.toFixed(4)}: trial #${b.index} (${formatParams(b.params)}), ` +
        `round ${b.bestRound ?? '-'} of ${b.roundsRun}; its final model scores ${fmt(testAccuracy, 4)} on the test split`,
    );
  }
  console.log(leaderboard(sweep, jobSeconds));
  return { variant, rep, sweep, figures, testAccuracy };
}

/** The trials' parameters in trial order, to check both runs searched the same configurations. */
const configs = (s: SweepRecord) => JSON.stringify([...s.trials].sort((a, b) => a.index - b.index).map((t) => t.params));

async function bench(): Promise<number> {
  const files = fashionMnistOrHint();
  if (!files) return 1;
  const backend = await useWasmBackend();
  const split = splitIdxPair(readSplitBytes(files.train), { trainRows: TRAIN_ROWS, validationRows: VAL_ROWS, seed: SEED });
  const test = decodeSplit(files.test);
  const rungs = rungRounds();
  console.log(
    `sweep: ${TRIALS}-trial random search (seed ${SAMPLER_SEED}) over learning_rate loguniform 1e-4..3e-2 ` +
      `and batchSize {32, 64, 128, 256}; Fashion-MNIST MLP 784-128-64-10, Adam, synchronous, ${PARTITIONS} partitions, ` +
      `1 epoch per round; metric val_accuracy (max)`,
  );
  console.log(
    `data: ${split.train.rows} training rows, ${split.validation.rows} validation rows (disjoint, from the 60k training split), ` +
      `scored on the ${test.rows} test images; ${WORKERS} workers; maxConcurrentTrials ${CONCURRENCY}`,
  );
  console.log(
    `asha: gracePeriod ${GRACE}, reductionFactor ${REDUCTION}, maxRounds ${MAX_ROUNDS} (rungs at round ${rungs.join(', ')}); full: ` +
      `scheduler none, ${MAX_ROUNDS} rounds per trial; ${REPS} repetition(s); tfjs ${tf.version.tfjs} on ${backend} here`,
  );
  console.log(`start: ${await loadNote()}`);

  const runs: Run[] = [];
  const loads: string[] = [];
  let failed = false;
  let session: ClusterSession | undefined;
  try {
    session = await startClusterSession({ workers: WORKERS, label: 'sweep', env: { TUSK_BACKEND: 'wasm' } });
    console.log(`cluster up: driver ${session.cluster.driverUrl}; service logs in ${session.logPath}`);
    const client = new TuskClient({ baseUrl: session.cluster.driverUrl });
    const idx = (name: string, part: { images: Uint8Array; labels: Uint8Array }): DatasetUpload => ({
      format: 'idx',
      name,
      partitions: PARTITIONS,
      seed: SEED,
      images: { data: part.images, filename: 'images.idx' },
      labels: { data: part.labels, filename: 'labels.idx' },
    });
    const uploaded = performance.now();
    const train = await client.createDataset(idx('fashion-mnist-sweep-train', split.train));
    const validation = await client.createDataset(idx('fashion-mnist-sweep-validation', split.validation));
    console.log(
      `datasets: train ${train.id} (${train.rows} rows), validation ${validation.id} (${validation.rows} rows), ` +
        `uploaded in ${((performance.now() - uploaded) / 1000).toFixed(1)} s (not counted)`,
    );

    const baseJob = {
      model: mlpTopology(),
      compile: {
        optimizer: { className: 'adam', config: { learning_rate: 0.001 } },
        loss: 'categoricalCrossentropy',
        metrics: ['accuracy'],
      },
      datasetId: train.id,
      // epochs: what `scheduler: none` runs; ASHA sets maxRounds × localEpochs itself, the same here.
      training: {
        mode: 'synchronous',
        epochs: MAX_ROUNDS,
        batchSize: 64,
        partitions: PARTITIONS,
        localEpochs: 1,
        validationSplit: 0,
        validationDatasetId: validation.id,
        seed: SEED,
      },
    };

    const warm = performance.now();
    const w = await client.createJob({ ...baseJob, name: 'sweep warm-up', training: { ...baseJob.training, epochs: 1 } });
    const warmed = await client.followJob(w.id, { pollMs: 1_000 });
    console.log(
      `warm-up job ${warmed.id}: ${warmed.status}, 1 epoch in ${((performance.now() - warm) / 1000).toFixed(1)} s, ` +
        `val_accuracy ${fmt(warmed.history.at(-1)?.metrics.val_accuracy ?? Number.NaN, 4)} (not counted)`,
    );
    if (warmed.status !== 'succeeded')
      throw new Error(`the warm-up job ended ${warmed.status}: ${warmed.error ?? ''} (service logs: ${session.logPath})`);

    for (let rep = 1; rep <= REPS; rep++) {
      const order: Variant[] = rep % 2 === 1 ? ['asha', 'full'] : ['full', 'asha'];
      for (const variant of order) {
        const run = await runSweep({ client, variant, rep, baseJob, test });
        runs.push(run);
        loads.push(await loadNote());
        if (run.sweep.status !== 'succeeded' || run.sweep.trials.some((t) => t.status === 'failed')) failed = true;
      }
      const [a, f] = (['asha', 'full'] as const).map((v) => runs.find((r) => r.rep === rep && r.variant === v)!);
      if (configs(a.sweep) !== configs(f.sweep)) {
        console.log(`WARNING: repetition ${rep}: the two sweeps drew different configurations`);
        failed = true;
      }
      console.log(
        `\nrepetition ${rep}: asha ${a.figures.wallSeconds.toFixed(1)} s (${a.figures.rounds} rounds), ` +
          `full ${f.figures.wallSeconds.toFixed(1)} s (${f.figures.rounds} rounds): ` +
          `speedup ${(f.figures.wallSeconds / a.figures.wallSeconds).toFixed(2)} ` +
          `(rounds ratio ${(f.figures.rounds / a.figures.rounds).toFixed(2)}); best ${a.figures.best.toFixed(4)} ` +
          `vs ${f.figures.best.toFixed(4)} (${((f.figures.best - a.figures.best) * 100).toFixed(2)} points)`,
      );
    }
  } finally {
    await session?.stop();
  }

  const pick = (v: Variant) => runs.filter((r) => r.variant === v);
  const asha = pick('asha');
  const full = pick('full');
  const reps = [...new Set(runs.map((r) => r.rep))].filter((rep) => asha.some((r) => r.rep === rep) && full.some((r) => r.rep === rep));
  const pair = (rep: number) => ({ a: asha.find((r) => r.rep === rep)!.figures, f: full.find((r) => r.rep === rep)!.figures });
  const speedups = reps.map((rep) => {
    const { a, f } = pair(rep);
    return f.wallSeconds / a.wallSeconds;
  });
  const gaps = reps.map((rep) => {
    const { a, f } = pair(rep);
    return (f.best - a.best) * 100;
  });
  const roundRatios = reps.map((rep) => {
    const { a, f } = pair(rep);
    return f.rounds / a.rounds;
  });
  const ashaS = asha.map((r) => r.figures.wallSeconds);
  const fullS = full.map((r) => r.figures.wallSeconds);
  const ashaBest = asha.map((r) => r.figures.best);
  const fullBest = full.map((r) => r.figures.best);

  console.log(`\nsummary over ${reps.length} repetition(s)${reps.length > 1 ? ' (median (min–max))' : ''}:`);
  console.log(
    `  asha: ${spread(ashaS)} s, ${spread(
      asha.map((r) => r.figures.rounds),
      0,
    )} rounds, best val_accuracy ${spread(ashaBest, 4)}, its model on test ${spread(
      asha.map((r) => r.testAccuracy),
      4,
    )}`,
  );
  console.log(
    `  full: ${spread(fullS)} s, ${spread(
      full.map((r) => r.figures.rounds),
      0,
    )} rounds, best val_accuracy ${spread(fullBest, 4)}, its model on test ${spread(
      full.map((r) => r.testAccuracy),
      4,
    )}`,
  );
  console.log(`  speedup ${spread(speedups, 2)} (rounds ratio ${spread(roundRatios, 2)}); full_best - asha_best ${spread(gaps, 2)} points`);
  console.log(`  load after each run: ${loads.join('; ')}`);
  console.log(`end: ${await loadNote()}`);
  const speedup = median(speedups);
  const gap = median(gaps);
  const met = speedup >= TARGET_SPEEDUP && gap <= MAX_BEST_GAP_POINTS;
  console.log(
    `target speedup >= ${TARGET_SPEEDUP} with asha_best within ${MAX_BEST_GAP_POINTS} points of ` +
      `full_best: ${met ? 'met' : 'NOT met'} (speedup ${fmt(speedup, 2)}, gap ${fmt(gap, 2)} points)`,
  );
  console.log(
    `RESULT sweep asha_s=${fmt(median(ashaS))} full_s=${fmt(median(fullS))} speedup=${fmt(speedup, 2)} ` +
      `asha_best=${fmt(median(ashaBest), 4)} full_best=${fmt(median(fullBest), 4)} gap_points=${fmt(gap, 2)} ` +
      `asha_rounds=${fmt(median(asha.map((r) => r.figures.rounds)), 0)} ` +
      `full_rounds=${fmt(median(full.map((r) => r.figures.rounds)), 0)} reps=${reps.length}`,
  );
  return failed ? 1 : 0;
}

try {
  process.exitCode = await bench();
} catch (err) {
  console.error(`sweep bench failed: ${(err as Error).stack ?? err}`);
  process.exitCode = 1;
}
