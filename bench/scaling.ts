import * as tf from '@tensorflow/tfjs';
import type { DatasetManifest, JobRecord, TrainingSpec } from '@tusk/contracts';
import { buildModel, selectBackend } from '@tusk/model';
import { TuskClient } from '@tusk/client';
import { startClusterSession, type ClusterSession } from '../scripts/demo/cluster-session.js';
import { useWasmBackend } from '../scripts/demo/evaluate.js';
import { decodeSplit, fashionMnistOrHint, idxUpload } from '../scripts/demo/fashion-mnist.js';
import { MLP_COMPILE, mlpTopology, mlpTraining, NUM_CLASSES } from '../scripts/demo/mlp.js';
import { ObjectStore } from '@tusk/storage';
import { partitionTensors } from '../apps/worker/src/training/partition-tensors.js';
import { cpuMeter, machineBusySeconds } from './lib/proc-cpu.js';
import { fmt, loadNote, median, table } from './lib/stats.js';

/**
 * `npm run bench:scaling`: throughput of the Fashion-MNIST MLP (784-128-64-10 ReLU/softmax, Adam 1e-3,
 * batch 64, 3 epochs; the sync-parity settings) trained
 *   (a) locally with model.fit on tfjs wasm in this process, set up as the workers set it up (selectBackend:
 *       wasm plus Tusk's wasm training kernels; one stock-kernel fit is printed first as a reference),
 *   (b) as a synchronous Tusk job on 1 worker (1 job partition: the worker trains the whole set each round,
 *       exactly the computation of (a), so the gap is pure Tusk overhead),
 *   (c) as a synchronous Tusk job on 2 workers (2 job partitions, FedAvg of the two deltas each round).
 * Tusk is timed end to end, POST /jobs to the final status seen over SSE; the dataset is uploaded once
 * (2 dataset parts; the 1-partition job covers both) and its upload time is printed but not counted.
 * Repetitions are interleaved (local, 1w, 2w, local, ...) so that load from other processes hits all
 * three alike; the second worker is started before each 2w run (and warmed up by an untimed 1-epoch job,
 * unless SCALING_WARMUP=0) and stopped after it.
 * samples/s = 60000 * 3 / seconds. Each repetition prints its own ratios to its local fit and how many
 * partitions moved to another worker between rounds (a moved partition is fetched and decoded again). Ends with
 * `RESULT scaling local_sps=.. tusk_1w_sps=.. tusk_2w_sps=.. ratio_1w=.. ratio_2w=.. ratio_2w_median=.. ratio_2w_min=..
 * moves_2w=..` (the first five from median throughputs; ratio_2w_median/min over the repetitions' own ratios; moves_2w
 * the moves of each 2-worker run, comma-separated).
 */

/** SCALING_REPS: interleaved repetitions (5 by default: the target is on their median and minimum). */
const REPS = Number(process.env.SCALING_REPS ?? 5);
const TARGET_1W = 0.95;
/** SCALING_WARMUP=0: time the 2-worker job on a freshly started second worker. */
const WARMUP = process.env.SCALING_WARMUP !== '0';
/** Median of the repetitions' ratio_2w, and the least any one of them may reach. */
const TARGET_2W = 1.75;
const TARGET_2W_MIN = 1.6;

interface LocalRun {
  seconds: number;
  sps: number;
  epochSeconds: number[];
  loss: number;
  acc: number;
}

interface TuskRun {
  workers: number;
  partitions: number;
  job: JobRecord;
  seconds: number;
  sps: number;
  /** Sum of the rounds' seconds (driver: tasks published to round recorded). */
  roundSeconds: number;
  /** e2e minus the rounds: job init (model build, initial weights), final artifact, status/SSE latencies. */
  outsideRounds: number;
  /** Partitions trained by another worker than in the round before (each one a cache miss). */
  moved: number;
  cpu: Record<string, number>;
  otherCpu: number;
}

async function bench(): Promise<number> {
  const files = fashionMnistOrHint();
  if (!files) return 1;
  const backend = await useWasmBackend();
  const training = mlpTraining();
  const topology = mlpTopology();
  const train = decodeSplit(files.train);
  const totalSamples = train.rows * training.epochs;
  console.log(
    `scaling${WARMUP ? '' : ' (no warm-up of the second worker)'}: Fashion-MNIST ${train.rows} rows, MLP 784-128-64-10, Adam 1e-3, ` +
      `batch ${training.batchSize}, ${training.epochs} epochs, seed ${training.seed}; ` +
      `tfjs ${tf.version.tfjs} on ${backend}; ${REPS} interleaved repetition(s)`,
  );
  console.log(`start: ${await loadNote()}`);

  let x = tf.tensor2d(train.images, [train.rows, train.rowSize]);
  let y = tf.tidy(() => tf.oneHot(tf.tensor1d(train.labels, 'int32'), NUM_CLASSES).toFloat());
  // Reference only: stock tfjs-backend-wasm kernels (what sync-parity's local run uses). The measured local
  // runs below use the workers' backend set-up (selectBackend('wasm'): Tusk's wasm training kernels), so
  // local and Tusk execute the same kernels and the ratio shows Tusk's overhead and scaling only.
  let stock: LocalRun | undefined;
  if (process.env.SCALING_STOCK !== '0') {
    stock = await trainLocally({ topology, training, x, y, rows: train.rows });
    console.log(
      `reference, stock tfjs wasm kernels: local fit ${stock.seconds.toFixed(1)} s, ${Math.round(stock.sps)} samples/s ` +
        `(epochs ${stock.epochSeconds.map((s) => s.toFixed(1)).join('/')} s)`,
    );
  }
  tf.dispose([x, y]);
  console.log(`backend as the workers set it up: ${await selectBackend('wasm')} (with registerWasmTrainingKernels)`);
  x = tf.tensor2d(train.images, [train.rows, train.rowSize]);
  y = tf.tidy(() => tf.oneHot(tf.tensor1d(train.labels, 'int32'), NUM_CLASSES).toFloat());

  let session: ClusterSession | undefined;
  const locals: LocalRun[] = [];
  const one: TuskRun[] = [];
  const two: TuskRun[] = [];
  let uploadSeconds: number;
  const partitionLoad: string[] = [];
  const benchStarted = performance.now();
  try {
    session = await startClusterSession({ workers: 1, label: 'scaling', env: { TUSK_BACKEND: 'wasm' } });
    const cluster = session.cluster;
    console.log(`cluster up (1 worker): driver ${cluster.driverUrl}; service logs in ${session.logPath}`);
    const client = new TuskClient({ baseUrl: cluster.driverUrl });
    const uploadStarted = performance.now();
    const dataset = await client.createDataset(idxUpload(files.train, { name: 'fashion-mnist-train', partitions: 2, seed: training.seed }));
    uploadSeconds = (performance.now() - uploadStarted) / 1000;
    console.log(
      `dataset ${dataset.id}: ${dataset.rows} rows, ${dataset.partitions.length} parts, ` +
        `uploaded in ${uploadSeconds.toFixed(1)} s (not counted)`,
    );

    for (let rep = 1; rep <= REPS; rep++) {
      console.log(`\n== repetition ${rep}/${REPS} (${await loadNote()})`);
      const local = await trainLocally({ topology, training, x, y, rows: train.rows });
      locals.push(local);
      console.log(
        `local fit: ${local.seconds.toFixed(1)} s, ${Math.round(local.sps)} samples/s, ` +
          `epochs ${local.epochSeconds.map((s) => s.toFixed(1)).join('/')} s, final loss ${local.loss.toFixed(4)} ` +
          `acc ${local.acc.toFixed(4)}`,
      );

      one.push(await runTusk({ session, client, dataset, topology, training: { ...training, partitions: 1 }, workers: 1, totalSamples }));

      const added = await cluster.addWorker();
      if (WARMUP) {
        // Workers are long-lived; a process started a moment ago still runs wasm in V8's baseline tier and
        // would straggle every round. One untimed 1-epoch job warms the new worker up.
        const w = await client.createJob({
          name: 'scaling warm-up',
          model: topology,
          compile: MLP_COMPILE,
          datasetId: dataset.id,
          training: { ...training, partitions: 2, epochs: 1 },
        });
        await client.followJob(w.id, { pollMs: 1_000 });
      }
      two.push(await runTusk({ session, client, dataset, topology, training: { ...training, partitions: 2 }, workers: 2, totalSamples }));
      await added.process.stop();
      console.log(
        `repetition ${rep}: ratio_1w=${(one[rep - 1].sps / local.sps).toFixed(2)} ratio_2w=${(two[rep - 1].sps / local.sps).toFixed(2)} ` +
          `moves_1w=${one[rep - 1].moved} moves_2w=${two[rep - 1].moved}`,
      );
    }
    // What a worker pays when a partition is not in its cache (first round, or the partition moved to it):
    // S3 download of the dataset part(s) plus decoding into tensors, as TaskRunner.data does.
    const store = new ObjectStore({
      endpoint: cluster.env.S3_ENDPOINT,
      region: 'us-east-1',
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      bucket: cluster.env.S3_BUCKET,
    });
    const outputUnits = NUM_CLASSES;
    for (const parts of [[dataset.partitions[0]], dataset.partitions]) {
      const fetchS: number[] = [];
      const decodeS: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        const bytes = await Promise.all(parts.map((p) => store.getBytes(p.key)));
        const t1 = performance.now();
        const t = partitionTensors({ parts: bytes, manifest: dataset, inputShape: [784], outputUnits, loss: 'categoricalCrossentropy' });
        const t2 = performance.now();
        tf.dispose([t.x, t.y]);
        fetchS.push((t1 - t0) / 1000);
        decodeS.push((t2 - t1) / 1000);
      }
      partitionLoad.push(
        `${parts.length} part(s), ${parts.reduce((n, p) => n + p.rows, 0)} rows: S3 get ${fmt(median(fetchS), 2)} s + decode to ` +
          `tensors ${fmt(median(decodeS), 2)} s`,
      );
    }
    store.destroy();
  } finally {
    tf.dispose([x, y]);
    await session?.stop();
  }

  const localSps = median(locals.map((r) => r.sps));
  const sps1 = median(one.map((r) => r.sps));
  const sps2 = median(two.map((r) => r.sps));
  const ratio1 = sps1 / localSps;
  const ratio2 = sps2 / localSps;
  const repRatios2 = two.map((r, i) => r.sps / locals[i].sps);
  const ratio2Median = median(repRatios2);
  const ratio2Min = Math.min(...repRatios2);
  const moves2 = two.map((r) => r.moved).join(',');

  console.log(`\n== throughput (${REPS} repetitions, median; dataset upload ${uploadSeconds.toFixed(1)} s excluded)`);
  const rows: (string | number)[][] = [['run', 'seconds (each rep)', 'median s', 'samples/s', 'ratio to local']];
  if (stock)
    rows.push([
      '(ref) local fit, stock wasm kernels',
      fmt(stock.seconds),
      fmt(stock.seconds),
      Math.round(stock.sps),
      fmt(stock.sps / localSps, 2),
    ]);
  rows.push([
    'local model.fit (wasm, Tusk kernels)',
    locals.map((r) => fmt(r.seconds)).join(' '),
    fmt(median(locals.map((r) => r.seconds))),
    Math.round(localSps),
    '1.00',
  ]);
  rows.push([
    'tusk sync 1 worker, 1 partition',
    one.map((r) => fmt(r.seconds)).join(' '),
    fmt(median(one.map((r) => r.seconds))),
    Math.round(sps1),
    fmt(ratio1, 2),
  ]);
  rows.push([
    'tusk sync 2 workers, 2 partitions',
    two.map((r) => fmt(r.seconds)).join(' '),
    fmt(median(two.map((r) => r.seconds))),
    Math.round(sps2),
    fmt(ratio2, 2),
  ]);
  console.log(table(rows));

  console.log('\n== where the time goes (median over repetitions)');
  const localEpoch = median(locals.flatMap((r) => r.epochSeconds));
  console.log(`local: ${fmt(localEpoch, 2)} s per epoch of ${train.rows} samples (pure fit, the reference for a worker's training time)`);
  for (const [label, runs] of [
    ['1 worker', one],
    ['2 workers', two],
  ] as const) {
    const rounds = runs[0].job.history.length;
    const t: (string | number)[][] = [
      ['round', 'round s', 'max worker s', 'round - worker s', 'worker s - fit est.', 'workers (id/partition s)'],
    ];
    for (let r = 0; r < rounds; r++) {
      const roundS = median(runs.map((j) => j.job.history[r]?.seconds ?? Number.NaN));
      const workerS = median(runs.map((j) => Math.max(...(j.job.history[r]?.workers ?? []).map((w) => w.seconds))));
      const fitEst = (localEpoch * training.localEpochs) / runs[0].partitions;
      const who = runs
        .map((j) => (j.job.history[r]?.workers ?? []).map((w) => `${w.workerId}/p${w.partition} ${w.seconds.toFixed(2)}`).join(', '))
        .join(' | ');
      t.push([r + 1, fmt(roundS, 2), fmt(workerS, 2), fmt(roundS - workerS, 2), fmt(workerS - fitEst, 2), who]);
    }
    const e2e = median(runs.map((j) => j.seconds));
    const inRounds = median(runs.map((j) => j.roundSeconds));
    const outside = median(runs.map((j) => j.outsideRounds));
    console.log(
      `\n${label}: e2e ${fmt(e2e, 2)} s = rounds ${fmt(inRounds, 2)} s + outside rounds ${fmt(outside, 2)} s (job init, ` +
        `final artifact, status updates, SSE); pure fit estimate ${fmt((localEpoch * training.epochs) / runs[0].partitions, 2)} s ` +
        `per worker`,
    );
    console.log(table(t));
    const names = Object.keys(runs[0].cpu);
    console.log(
      `CPU seconds per process during the job ` +
        `(median): ${names.map((n) => `${n} ${fmt(median(runs.map((j) => j.cpu[n] ?? Number.NaN)), 2)}`).join(', ')}; ` +
        `other processes on the machine ${fmt(median(runs.map((j) => j.otherCpu)), 1)}`,
    );
  }

  console.log(`\npartition cache miss in a worker (median of 3, in this process): ${partitionLoad.join('; ')}`);
  const minutes = (performance.now() - benchStarted) / 60000;
  console.log(`\nend: ${await loadNote()}; bench took ${minutes.toFixed(1)} min`);
  console.log(
    `ratio_2w per repetition: ${repRatios2.map((r) => r.toFixed(2)).join(' ')} (median ${ratio2Median.toFixed(2)}, ` +
      `min ${ratio2Min.toFixed(2)}); partition moves per 2-worker run: ${moves2}`,
  );
  const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
  console.log(
    `target ratio_1w >= ${TARGET_1W}: ${verdict(ratio1 >= TARGET_1W)} (${ratio1.toFixed(2)}); ` +
      `target median ratio_2w >= ${TARGET_2W}: ${verdict(ratio2Median >= TARGET_2W)} (${ratio2Median.toFixed(2)}); ` +
      `target every ratio_2w >= ${TARGET_2W_MIN}: ${verdict(ratio2Min >= TARGET_2W_MIN)} (min ${ratio2Min.toFixed(2)})`,
  );
  console.log(
    `RESULT scaling local_sps=${Math.round(localSps)} tusk_1w_sps=${Math.round(sps1)} tusk_2w_sps=${Math.round(sps2)} ` +
      `ratio_1w=${ratio1.toFixed(2)} ratio_2w=${ratio2.toFixed(2)} ratio_2w_median=${ratio2Median.toFixed(2)} ` +
      `ratio_2w_min=${ratio2Min.toFixed(2)} moves_2w=${moves2}`,
  );
  return 0;
}

/** model.fit on the whole training set with the job's seeded initial weights; timing covers fit only. */
async function trainLocally({
  topology,
  training,
  x,
  y,
  rows,
}: {
  topology: Record<string, unknown>;
  training: TrainingSpec;
  x: tf.Tensor;
  y: tf.Tensor;
  rows: number;
}): Promise<LocalRun> {
  const model = await buildModel({ topology, compile: MLP_COMPILE, seed: training.seed });
  try {
    const epochEnds: number[] = [];
    const started = performance.now();
    const history = await model.fit(x, y, {
      epochs: training.epochs,
      batchSize: training.batchSize,
      shuffle: true,
      verbose: 0,
      callbacks: {
        onEpochEnd: async () => {
          epochEnds.push(performance.now());
        },
      },
    });
    const seconds = (performance.now() - started) / 1000;
    const epochSeconds = epochEnds.map((t, i) => (t - (i === 0 ? started : epochEnds[i - 1])) / 1000);
    const last = (name: string) => Number((history.history[name] ?? []).at(-1));
    return { seconds, sps: (rows * training.epochs) / seconds, epochSeconds, loss: last('loss'), acc: last('acc') };
  } finally {
    model.optimizer?.dispose();
    model.dispose();
  }
}

async function runTusk({
  session,
  client,
  dataset,
  topology,
  training,
  workers,
  totalSamples,
}: {
  session: ClusterSession;
  client: TuskClient;
  dataset: DatasetManifest;
  topology: Record<string, unknown>;
  training: TrainingSpec;
  workers: number;
  totalSamples: number;
}): Promise<TuskRun> {
  const cluster = session.cluster;
  const pids: Record<string, number | undefined> = {
    bench: process.pid,
    nats: cluster.nats?.process.child.pid,
    s3: cluster.s3?.process.child.pid,
  };
  for (const s of cluster.services)
    if (s.process.running) pids[s.name === 'worker-1' || !s.name.startsWith('worker-') ? s.name : 'worker-2'] = s.process.child.pid;
  const meter = cpuMeter(pids);
  const busy0 = machineBusySeconds();
  const started = performance.now();
  const created = await client.createJob({
    name: `scaling ${workers}w`,
    model: topology,
    compile: MLP_COMPILE,
    datasetId: dataset.id,
    training,
  });
  const job = await client.followJob(created.id, { pollMs: 1_000 });
  const seconds = (performance.now() - started) / 1000;
  const cpu = meter();
  const ours = Object.values(cpu)
    .filter(Number.isFinite)
    .reduce((a, b) => a + b, 0);
  const otherCpu = machineBusySeconds() - busy0 - ours;
  if (job.status !== 'succeeded') throw new Error(`job ${job.id} ${job.status}: ${job.error ?? ''} (service logs: ${session.logPath})`);
  const roundSeconds = job.history.reduce((a, r) => a + r.seconds, 0);
  const sps = totalSamples / seconds;
  const last = job.history.at(-1);
  // A partition served by a different worker than in the previous round is loaded from S3 again (cache miss).
  let moved = 0;
  job.history.forEach((r, i) => {
    if (i > 0)
      for (const w of r.workers)
        if (!job.history[i - 1].workers.some((p) => p.workerId === w.workerId && p.partition === w.partition)) moved++;
  });
  const rounds = job.history
    .map((r) => `${r.seconds.toFixed(1)}s[${r.workers.map((w) => `${w.workerId}/p${w.partition} ${w.seconds.toFixed(1)}s`).join(' ')}]`)
    .join(' ');
  console.log(
    `tusk ${workers}w/${training.partitions}p: ${seconds.toFixed(1)} s submit-to-done, ${Math.round(sps)} samples/s; ` +
      `rounds ${rounds}; final loss ${last?.metrics.loss?.toFixed(4)} acc ${last?.metrics.accuracy?.toFixed(4)}; ` +
      `partitions that moved to another worker between rounds: ${moved}; other processes used ${otherCpu.toFixed(0)} CPU s`,
  );
  return {
    workers,
    partitions: training.partitions,
    job,
    seconds,
    sps,
    roundSeconds,
    outsideRounds: seconds - roundSeconds,
    moved,
    cpu,
    otherCpu,
  };
}

try {
  process.exitCode = await bench();
} catch (err) {
  console.error(`scaling failed: ${(err as Error).stack ?? err}`);
  process.exitCode = 1;
}
