import { FINAL_STATUSES, type JobRecord } from '@tusk/contracts';
import { TuskClient } from '@tusk/client';
import { blobsCsv, blobsModel } from '../test/e2e/synthetic-data.js';
import { benchCluster, runMain } from './lib/bench-cluster.js';

const JOBS = 20;
const WORKERS = 2;
const WAIT_MS = 10 * 60_000;
const REQUEST_TIMEOUT_MS = 10_000;
/** Sampling loops in flight at once (each waits for its answer, then pauses SAMPLE_PAUSE_MS). */
const SAMPLERS = 3;
const SAMPLE_PAUSE_MS = 25;

type Endpoint = 'GET /jobs/:id' | 'GET /jobs' | 'GET /health';
interface Sample {
  endpoint: Endpoint;
  ms: number;
  status: number;
  error?: string;
}

const pct = (sorted: number[], p: number): number =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : Number.NaN;
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');

/** One raw request, timed; what is measured is the HTTP answer itself (status and latency), so no SDK here. */
async function timed(url: string, init: RequestInit = {}): Promise<{ status: number; ms: number; text: string; error?: string }> {
  const t0 = performance.now();
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const text = await res.text();
    return { status: res.status, ms: performance.now() - t0, text };
  } catch (err) {
    return {
      status: 0,
      ms: performance.now() - t0,
      text: '',
      error: (err as Error).name === 'TimeoutError' ? 'timeout' : String((err as Error).message),
    };
  }
}

async function main(): Promise<number> {
  const { logPath, cluster, stop } = benchCluster('tusk-load-', { workers: WORKERS, env: { LOG_LEVEL: 'log', NO_COLOR: '1' } });

  try {
    console.log(`load: local cluster with ${WORKERS} workers; service logs in ${logPath}`);
    await cluster.start();
    const base = cluster.driverUrl;
    console.log(`driver at ${base}`);

    const csv = new Blob([blobsCsv({ rows: 600, seed: 11 })], { type: 'text/csv' });
    const api = new TuskClient({ baseUrl: base });
    const dataset = await api.createDataset({ format: 'csv', labelColumns: 'label', partitions: 2, name: 'load-blobs', file: csv });
    console.log(`dataset ${dataset.id}: blobs CSV, 600 rows, 2 partitions`);

    // Sampling starts before the burst, so the submit phase is measured too.
    const samples: Sample[] = [];
    const jobIds: string[] = [];
    let sampling = true;
    const endpoints: Endpoint[] = ['GET /jobs/:id', 'GET /jobs', 'GET /health'];
    let turn = 0;
    const samplers = Array.from({ length: SAMPLERS }, async () => {
      while (sampling) {
        const endpoint = endpoints[turn++ % endpoints.length];
        if (endpoint === 'GET /jobs/:id' && jobIds.length === 0) {
          await new Promise((r) => setTimeout(r, SAMPLE_PAUSE_MS));
          continue;
        }
        const path =
          endpoint === 'GET /jobs/:id'
            ? `/jobs/${jobIds[Math.floor(Math.random() * jobIds.length)]}`
            : endpoint === 'GET /jobs'
              ? '/jobs'
              : '/health';
        const r = await timed(`${base}${path}`);
        samples.push({ endpoint, ms: r.ms, status: r.status, error: r.error });
        await new Promise((res) => setTimeout(res, SAMPLE_PAUSE_MS));
      }
    });

    const job = {
      model: blobsModel,
      compile: { optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] },
      datasetId: dataset.id,
      training: { mode: 'synchronous', epochs: 2, batchSize: 32 },
    };
    const submitStarted = performance.now();
    const submits = await Promise.all(
      Array.from({ length: JOBS }, async (_, i) => {
        const t0 = performance.now();
        const r = await timed(`${base}/jobs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ...job, name: `load-${i}` }),
        });
        const rec = r.status === 201 ? (JSON.parse(r.text) as JobRecord) : undefined;
        if (rec) jobIds.push(rec.id);
        return { i, status: r.status, ms: r.ms, error: r.error ?? (rec ? undefined : r.text.slice(0, 200)), id: rec?.id, submittedAt: t0 };
      }),
    );
    const submitSecs = (performance.now() - submitStarted) / 1000;
    const accepted = submits.filter((s) => s.id);
    console.log(
      `submitted ${JOBS} jobs at once in ${submitSecs.toFixed(2)} s: ${accepted.length} accepted` +
        `; POST /jobs p50 ${f1(
          pct(
            submits.map((s) => s.ms).sort((a, b) => a - b),
            50,
          ),
        )} ms, max ${f1(Math.max(...submits.map((s) => s.ms)))} ms`,
    );
    for (const s of submits.filter((x) => !x.id)) console.log(`  job ${s.i} refused: HTTP ${s.status} ${s.error}`);

    // Follow every job by polling the list (the sampler hits GET /jobs/:id separately).
    const seen = new Map<string, JobRecord>();
    const finishedAtClient = new Map<string, number>();
    const vanished = new Set<string>();
    const deadline = performance.now() + WAIT_MS;
    let lastPrint = 0;
    while (performance.now() < deadline) {
      const r = await timed(`${base}/jobs`);
      if (r.status === 200) {
        const list = JSON.parse(r.text) as JobRecord[];
        const byId = new Map(list.map((j) => [j.id, j]));
        for (const id of jobIds) {
          const j = byId.get(id);
          if (!j) {
            vanished.add(id);
            continue;
          }
          vanished.delete(id);
          seen.set(id, j);
          if (FINAL_STATUSES.includes(j.status) && !finishedAtClient.has(id)) finishedAtClient.set(id, performance.now());
        }
      }
      const done = jobIds.filter((id) => FINAL_STATUSES.includes(seen.get(id)?.status ?? 'queued')).length;
      if (performance.now() - lastPrint > 10_000) {
        lastPrint = performance.now();
        const counts = new Map<string, number>();
        for (const id of jobIds) {
          const s = vanished.has(id) ? 'vanished' : (seen.get(id)?.status ?? 'unseen');
          counts.set(s, (counts.get(s) ?? 0) + 1);
        }
        console.log(
          `  t+${((performance.now() - submitStarted) / 1000).toFixed(0)} s: ` +
            `${[...counts].map(([k, v]) => `${k} ${v}`).join(', ')}; ${samples.length} latency samples`,
        );
      }
      if (done === jobIds.length) break;
      await new Promise((res) => setTimeout(res, 1000));
    }
    sampling = false;
    await Promise.all(samplers);
    // A final direct look at every job, so "vanished" is not a list glitch.
    for (const id of jobIds) {
      const r = await timed(`${base}/jobs/${id}`);
      if (r.status === 200) {
        seen.set(id, JSON.parse(r.text) as JobRecord);
        vanished.delete(id);
      } else if (r.status === 404) vanished.add(id);
    }

    console.log(
      '\nper job: status, rounds, queued (createdAt->startedAt), training (startedAt->finishedAt), submit->final seen by the client',
    );
    let succeeded = 0;
    let lost = JOBS - accepted.length;
    for (const s of submits) {
      if (!s.id) {
        console.log(`  load-${String(s.i).padEnd(3)} refused (HTTP ${s.status})`);
        continue;
      }
      const j = seen.get(s.id);
      const secs = (a?: string, b?: string) => (a && b ? ((Date.parse(b) - Date.parse(a)) / 1000).toFixed(1) : '-');
      const client = finishedAtClient.has(s.id) ? ((finishedAtClient.get(s.id)! - s.submittedAt) / 1000).toFixed(1) : '-';
      const status = vanished.has(s.id) ? 'VANISHED' : (j?.status ?? 'never seen');
      if (j?.status === 'succeeded' && !vanished.has(s.id)) succeeded++;
      if (vanished.has(s.id) || !j || !FINAL_STATUSES.includes(j.status)) lost++;
      const last = j?.history?.[j.history.length - 1];
      console.log(
        `  load-${String(s.i).padEnd(3)} ${s.id}  ${status.padEnd(9)} round ${j?.round ?? '-'}/${j?.totalRounds ?? '-'}  ` +
          `queued ${secs(j?.createdAt, j?.startedAt).padStart(6)} s  train ${secs(j?.startedAt, j?.finishedAt).padStart(6)} s  ` +
          `client ${client.padStart(6)} s` +
          `${last ? `  loss ${last.metrics.loss?.toFixed(3)} acc ${last.metrics.accuracy?.toFixed(3)}` : ''}` +
          `${j?.error ? `  error: ${j.error.slice(0, 160)}` : ''}`,
      );
    }

    console.log('\nAPI latency while the jobs ran (ms):');
    // One row of the latency table: endpoint, count, errors, then milliseconds.
    const row = (name: string, n: number | string, errors: number | string, cells: string[]) =>
      `  ${name.padEnd(16)} ${String(n).padStart(6)} ${String(errors).padStart(7)} ${cells.map((c) => c.padStart(8)).join(' ')}`;
    console.log(row('endpoint', 'n', 'errors', ['p50', 'p90', 'p99', 'max']));
    for (const e of endpoints) {
      const mine = samples.filter((s) => s.endpoint === e);
      const ms = mine
        .filter((s) => s.status === 200)
        .map((s) => s.ms)
        .sort((a, b) => a - b);
      const errs = mine.filter((s) => s.status !== 200);
      console.log(row(e, mine.length, errs.length, [f1(pct(ms, 50)), f1(pct(ms, 90)), f1(pct(ms, 99)), f1(ms[ms.length - 1])]));
      const kinds = new Map<string, number>();
      for (const s of errs) kinds.set(s.error ?? `HTTP ${s.status}`, (kinds.get(s.error ?? `HTTP ${s.status}`) ?? 0) + 1);
      for (const [k, v] of kinds) console.log(`      ${v} x ${k}`);
    }
    const all = samples.map((s) => s.ms).sort((a, b) => a - b);
    const p50 = pct(all, 50);
    const p99 = pct(all, 99);
    const allErrors = samples.filter((s) => s.status !== 200).length;
    console.log(row('all', all.length, allErrors, [f1(p50), f1(pct(all, 90)), f1(p99), f1(all[all.length - 1])]));
    const wall = (performance.now() - submitStarted) / 1000;
    console.log(`\nall ${JOBS} jobs: ${wall.toFixed(1)} s from the burst to the last final status; service logs: ${logPath}`);
    console.log(`target succeeded=${JOBS} lost=0: ${succeeded === JOBS && lost === 0 ? 'met' : 'NOT met'}`);
    console.log(`RESULT load jobs=${JOBS} succeeded=${succeeded} lost=${lost} p50_ms=${Math.round(p50)} p99_ms=${Math.round(p99)}`);
    return 0;
  } finally {
    await stop();
  }
}

runMain('load', main);
