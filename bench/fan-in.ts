import { TuskClient } from '@tusk/client';
import { BaseEnv, loadEnv } from '@tusk/config';
import type { DatasetManifest, JobRecord } from '@tusk/contracts';
import { seededRandom } from '@tusk/data';
import { Infra } from '@tusk/infra';
import { float32ToBytes } from '@tusk/model';
import { DriverEnv } from '../apps/driver/src/driver-env.js';
import { blobsCsv } from '../test/e2e/synthetic-data.js';
import { benchCluster, runMain } from './lib/bench-cluster.js';
import { procStatusMb, resetPeakRss, rssSampler } from './lib/proc-memory.js';
import { kvFetchGbPerSecond, kvFoldGbPerSecond, sumGbPerSecond, type ProbeRate } from './lib/fold-probes.js';
import { SimulatedWorkers } from '../test/harness/simulated-workers.js';
import { fmt, linearFit, loadNote, median, spread, table } from './lib/stats.js';

/**
 * `npm run bench:fan-in`: what one synchronous round costs the driver when many workers answer at once. A real
 * driver process (LocalCluster, no real workers) runs a real synchronous job over HTTP on a Dense MLP of ~1M or
 * ~10M parameters (4-H-H-3, H² + 9H + 3 parameters); simulated workers in this process take its tasks, store a
 * precomputed float32 delta under each attempt's key and publish the whole round's results at once, as
 * apps/worker does. Per round: the time from the last result stored to the next round's first task received
 * (the driver reads the results, streams and sums the deltas, writes the next weights, records the round and
 * purges the deltas); the median over the rounds. The driver's peak RSS (VmHWM reset when round 0's tasks arrive,
 * plus VmRSS sampled every 20 ms) covers the rounds only, not the model build or the final artifact. The sum itself
 * (DeltaSum over float32 deltas with its NaN/Inf check, no KV), the driver's whole averaging path (streamedAverage: KV
 * fetch, NaN check, sum) and the KV fetch alone (the path's ceiling: what one process takes out of NATS) are timed in
 * this process, to tell the sum from the fetch; `npm run bench:fan-in` starts it with the apps' malloc settings
 * (scripts/cluster/malloc-env.ts), so its buffers are reused as the driver's are. Ends with
 * `RESULT fan-in p128_1m_s=.. p128_10m_s=.. driver_peak_rss_mb=.. sum_gb_per_s=..`, where sum_gb_per_s is the GB of
 * deltas per second the round's overhead grows by (one delta over the fitted seconds per partition, the slower
 * model size), the round overhead for 1,000 workers extrapolated from that linear fit in P, and
 * `CEILING fan-in kv_fetch_gb_per_s=.. ratio=..` (the KV fetch alone, and the slope's ratio to it). Exits 1 below 1 GB/s.
 * TUSK_FANIN_PARTITIONS (2,8,32,128), TUSK_FANIN_PARAMS (1m,10m), TUSK_FANIN_ROUNDS (4: 3 measured gaps);
 * TUSK_DELTA_FETCH_AHEAD is passed to the driver.
 */

const PARTITIONS = (process.env.TUSK_FANIN_PARTITIONS ?? '2,8,32,128').split(',').map(Number);
const SIZES = (process.env.TUSK_FANIN_PARAMS ?? '1m,10m').split(',').map((label) => ({ label, target: parseSize(label) }));
const ROUNDS = Number(process.env.TUSK_FANIN_ROUNDS ?? 4);
const SLOPE_TARGET_GB_PER_S = 1;
const EXTRAPOLATE_TO = 1_000;

function parseSize(label: string): number {
  const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(label.trim());
  if (!m) throw new Error(`TUSK_FANIN_PARAMS: "${label}" is not a size like 1m or 250k`);
  return Number(m[1]) * { '': 1, k: 1e3, m: 1e6 }[m[2].toLowerCase() as '' | 'k' | 'm'];
}

/** Width H of the 4-H-H-3 MLP whose H² + 9H + 3 parameters come closest to `target`. */
const hiddenUnits = (target: number): number => Math.round((-9 + Math.sqrt(81 - 4 * (3 - target))) / 2);

const mlp = (units: number) => ({
  class_name: 'Sequential',
  config: {
    name: `fan_in_${units}`,
    layers: [
      { class_name: 'Dense', config: { units, activation: 'relu', batch_input_shape: [null, 4], name: 'h1' } },
      { class_name: 'Dense', config: { units, activation: 'relu', name: 'h2' } },
      { class_name: 'Dense', config: { units: 3, activation: 'softmax', name: 'out' } },
    ],
  },
});

/** Uneven sample counts, as partitions of a real dataset have. */
const samplesOf = (partition: number): number => 500 + ((partition * 37) % 101);

function randomDelta(params: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: params }, () => (random() - 0.5) * 1e-4);
}

interface Row {
  partitions: number;
  label: string;
  params: number;
  overheads: number[];
  deltaGb: number;
  peakRssMb: number;
}

/** Runs one synchronous job of ROUNDS rounds with `partitions` simulated workers and measures its round overhead. */
async function measure({
  client,
  workers,
  dataset,
  pid,
  partitions,
  size,
  deltas,
}: {
  client: TuskClient;
  workers: SimulatedWorkers;
  dataset: DatasetManifest;
  pid: number;
  partitions: number;
  size: { label: string; target: number };
  deltas: Map<number, Uint8Array>;
}): Promise<Row> {
  const created = await client.createJob({
    name: `fan-in p${partitions} ${size.label}`,
    model: mlp(hiddenUnits(size.target)),
    compile: { optimizer: 'sgd', loss: 'categoricalCrossentropy' },
    datasetId: dataset.id,
    training: { mode: 'synchronous', epochs: ROUNDS, localEpochs: 1, partitions, batchSize: 32, seed: 1 },
  });
  const params = created.params;
  if (!deltas.has(params)) deltas.set(params, float32ToBytes(randomDelta(params, 7)));
  const delta = deltas.get(params)!;
  // A job that ends early (failed) must not leave the bench waiting for tasks that never come.
  const ended = client.followJob(created.id, { pollMs: 1_000 });
  const endedEarly = ended.then((job: JobRecord) => {
    throw new Error(`job ${job.id} ended ${job.status} before its rounds were answered${job.error ? `: ${job.error}` : ''}`);
  });
  endedEarly.catch(() => undefined);
  const tasksOf = (round: number) => Promise.race([workers.roundTasks({ jobId: created.id, round, partitions }), endedEarly]);

  let tasks = await tasksOf(0);
  const hwmReset = resetPeakRss(pid);
  const stopSampling = rssSampler(pid);
  const overheads: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const lastResultAt = await workers.answer({ round: tasks, deltaOf: () => delta, samplesOf });
    if (round === ROUNDS - 1) break;
    tasks = await tasksOf(round + 1);
    overheads.push((tasks.firstAt - lastResultAt) / 1000);
  }
  const rss = stopSampling();
  const job = await ended;
  workers.forget(created.id);
  if (job.status !== 'succeeded') throw new Error(`job ${job.id} ended ${job.status}: ${job.error ?? ''}`);
  return {
    partitions,
    label: size.label,
    params,
    overheads,
    deltaGb: (partitions * delta.byteLength) / 1e9,
    peakRssMb: hwmReset ? Math.max(rss.peakSampledMb, rss.hwmMb) : rss.peakSampledMb,
  };
}

async function main(): Promise<number> {
  const fetchAhead = process.env.TUSK_DELTA_FETCH_AHEAD;
  const env: Record<string, string> = {
    TUSK_BACKEND: 'cpu',
    LOG_LEVEL: 'warn',
    // Simulated workers hold a whole round's tasks while they write its deltas; nothing may be redelivered meanwhile.
    TUSK_TASK_ACK_WAIT_S: '600',
    TUSK_STALL_TIMEOUT_S: '3600',
    ...(fetchAhead ? { TUSK_DELTA_FETCH_AHEAD: fetchAhead } : {}),
  };
  const bc = benchCluster('tusk-fanin-', { workers: 0, env });
  let infra: Infra | undefined;
  let workers: SimulatedWorkers | undefined;
  try {
    await bc.cluster.start();
    const pid = bc.cluster.service('driver')?.process.pid;
    if (!pid) throw new Error('no driver pid');
    infra = await Infra.connect({ name: 'tusk-fanin-bench', env: loadEnv(BaseEnv, { ...bc.cluster.env }) });
    // What the driver process runs with, defaults included.
    const driverEnv = loadEnv(DriverEnv, { ...bc.cluster.env });
    workers = new SimulatedWorkers(infra);
    await workers.start();
    const client = new TuskClient({ baseUrl: bc.cluster.driverUrl });
    const maxP = Math.max(...PARTITIONS);
    const csv = new Blob([blobsCsv({ rows: maxP * 8, seed: 3 })], { type: 'text/csv' });
    const dataset = await client.createDataset({ format: 'csv', labelColumns: 'label', partitions: maxP, name: 'fan-in', file: csv });
    console.log(
      `fan-in: driver pid ${pid} (idle RSS ${fmt(procStatusMb(pid, 'VmRSS'))} MB), ` +
        `TUSK_DELTA_FETCH_AHEAD ${driverEnv.TUSK_DELTA_FETCH_AHEAD}, ` +
        `P = ${PARTITIONS.join(', ')}, params ${SIZES.map((s) => s.label).join(', ')}, ${ROUNDS} rounds each; logs in ${bc.logPath}`,
    );
    console.log(`start: ${await loadNote()}`);

    const rows: Row[] = [];
    const sums = new Map<string, number>();
    const kvFolds = new Map<string, ProbeRate>();
    const kvFetches = new Map<string, ProbeRate>();
    for (const size of SIZES) {
      const deltas = new Map<number, Uint8Array>();
      for (const partitions of PARTITIONS) {
        const row = await measure({ client, workers, dataset, pid, partitions, size, deltas });
        rows.push(row);
        console.log(
          `P ${partitions}, ${row.params} params: round overhead ${row.overheads.map((s) => fmt(s, 3)).join(' ')} s, ` +
            `driver peak RSS ${fmt(row.peakRssMb)} MB (${await loadNote()})`,
        );
      }
      const [params, delta] = [...deltas][0];
      sums.set(size.label, sumGbPerSecond([1, 2, 3, 4].map((seed) => randomDelta(params, seed))));
      kvFolds.set(size.label, await kvFoldGbPerSecond({ infra, delta, fetchAhead: driverEnv.TUSK_DELTA_FETCH_AHEAD }));
      kvFetches.set(size.label, await kvFetchGbPerSecond({ infra, delta, fetchAhead: driverEnv.TUSK_DELTA_FETCH_AHEAD }));
    }

    console.log('');
    console.log(
      table([
        ['P', 'params', 'round overhead s', 'deltas GB', 'deltas GB/s summed', 'driver peak RSS MB'],
        ...rows.map((r) => [
          r.partitions,
          r.params,
          spread(r.overheads, 3),
          fmt(r.deltaGb, 3),
          fmt(r.deltaGb / median(r.overheads), 2),
          fmt(r.peakRssMb),
        ]),
      ]),
    );
    const extrapolated = new Map<string, number>();
    // GB of deltas per second the round's overhead grows by: one partition's delta over the fitted seconds per partition.
    const slopeGbPerS = new Map<string, number>();
    for (const size of SIZES) {
      const own = rows.filter((r) => r.label === size.label);
      const fit = linearFit(own.map((r) => [r.partitions, median(r.overheads)]));
      extrapolated.set(size.label, fit ? fit.intercept + fit.slope * EXTRAPOLATE_TO : Number.NaN);
      if (fit) slopeGbPerS.set(size.label, own[0].deltaGb / own[0].partitions / fit.slope);
      const [fold, fetch] = [kvFolds.get(size.label)!, kvFetches.get(size.label)!];
      console.log(
        `${size.label}: the sum alone ${fmt(sums.get(size.label)!, 2)} GB/s, KV fetch + check + sum ${fmt(fold.gbPerS, 2)} GB/s ` +
          `(${fmt(fold.cpuSPerGb, 2)} CPU s/GB), KV fetch alone ${fmt(fetch.gbPerS, 2)} GB/s (${fmt(fetch.cpuSPerGb, 2)} CPU s/GB; ` +
          `all in this process); round overhead ` +
          (fit
            ? `≈ ${fmt(fit.intercept, 3)} s + ${fmt(fit.slope * 1000, 2)} ms × P (${fmt(slopeGbPerS.get(size.label)!, 2)} GB/s of ` +
              `deltas), so ${fmt(extrapolated.get(size.label)!, 1)} s at ${EXTRAPOLATE_TO} workers`
            : 'not fitted (one P only)'),
      );
    }
    const at = (p: number, label: string) => rows.find((r) => r.partitions === p && r.label === label);
    const p128 = (label: string) => fmt(median(at(128, label)?.overheads ?? []), 3);
    // The slowest model size's slope is the figure; its ceiling is what this process fetches from the KV alone.
    const [slowest, slope] = [...slopeGbPerS].sort((a, b) => a[1] - b[1])[0] ?? ['-', Number.NaN];
    const ceiling = kvFetches.get(slowest)?.gbPerS ?? Number.NaN;
    const peakRss = Math.max(...rows.map((r) => r.peakRssMb));
    console.log(`end: ${await loadNote()}`);
    console.log(
      slope >= SLOPE_TARGET_GB_PER_S
        ? `the round's overhead grows at ≥ ${SLOPE_TARGET_GB_PER_S} GB/s of deltas`
        : `the round's overhead grows at ${fmt(slope, 2)} GB/s of deltas (${slowest}): BELOW ${SLOPE_TARGET_GB_PER_S} GB/s`,
    );
    console.log(
      `RESULT fan-in p128_1m_s=${p128('1m')} p128_10m_s=${p128('10m')} driver_peak_rss_mb=${fmt(peakRss)} ` +
        `sum_gb_per_s=${fmt(slope, 2)} p1000_1m_s=${fmt(extrapolated.get('1m') ?? Number.NaN, 1)} ` +
        `p1000_10m_s=${fmt(extrapolated.get('10m') ?? Number.NaN, 1)} rounds=${ROUNDS}`,
    );
    console.log(`CEILING fan-in kv_fetch_gb_per_s=${fmt(ceiling, 2)} ratio=${fmt(slope / ceiling, 2)} size=${slowest}`);
    return slope >= SLOPE_TARGET_GB_PER_S ? 0 : 1;
  } finally {
    workers?.stop();
    await infra?.close();
    await bc.stop();
  }
}

runMain('bench:fan-in', main);
