import { readFileSync } from 'node:fs';
import { TuskClient } from '@tusk/client';
import { blobsCsv } from '../test/e2e/synthetic-data.js';
import { GENERATORS, type Ctx } from './hostile/generators/index.js';
import { mapLimit, send, type HostileRequest, type Outcome } from './hostile/http.js';
import { benchCluster, runMain } from './lib/bench-cluster.js';

const MAX_UPLOAD_BYTES = 65_536;
const TIMEOUT_MS = 10_000;
const CONCURRENCY = 8;
const HEALTH_EVERY = 50;
const SLOW_MS = 3_000;
/** After a heavy (serial) request, how long the driver gets to answer /health again before the next one. */
const RECOVERY_MS = 90_000;
const DRIVER_RSS_LIMIT_MB = 6_000;

interface Result {
  req: HostileRequest;
  out: Outcome;
  serial: boolean;
  fatal?: boolean;
  blockedMs?: number;
}

const clip = (s: string, n: number) => {
  // eslint-disable-next-line no-control-regex -- escaping control characters is the point
  const flat = s.replace(/[\u0000-\u001f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return flat.length > n ? `${flat.slice(0, n)}...(${s.length} chars)` : flat;
};
const bodyText = (b: HostileRequest['body'] | undefined): string =>
  b === undefined ? '' : Buffer.isBuffer(b) ? b.subarray(0, 400).toString('latin1') : b.slice(0, 400);

/** A 4xx answered by the app: JSON with a message (Nest's error shape). */
function hasJsonMessage(out: Outcome): boolean {
  try {
    const j = JSON.parse(out.body) as { message?: unknown };
    return typeof j.message === 'string' || Array.isArray(j.message);
  } catch {
    return false;
  }
}

async function snapshot(port: number): Promise<{ jobs: string; datasets: string; ok: boolean }> {
  const get = (path: string) => send(port, { gen: 'state', label: path, method: 'GET', path }, TIMEOUT_MS);
  const [jobs, datasets] = await Promise.all([get('/jobs'), get('/datasets')]);
  return { jobs: jobs.body, datasets: datasets.body, ok: jobs.status === 200 && datasets.status === 200 };
}

const ids = (text: string): string[] => {
  try {
    return (JSON.parse(text) as { id: string }[]).map((x) => x.id);
  } catch {
    return [`(unparseable: ${clip(text, 80)})`];
  }
};

async function main(): Promise<number> {
  // As many dataset creations as requests in flight, so every hostile upload reaches the parsers (not a 429).
  const { logPath, cluster, stop } = benchCluster('tusk-hostile-', {
    workers: 1,
    env: {
      LOG_LEVEL: 'log',
      NO_COLOR: '1',
      TUSK_MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES),
      TUSK_MAX_CONCURRENT_UPLOADS: String(CONCURRENCY),
    },
  });

  try {
    console.log(
      `hostile-input: starting a local cluster (1 worker, TUSK_MAX_UPLOAD_BYTES=${MAX_UPLOAD_BYTES}); service logs in ${logPath}`,
    );
    await cluster.start();
    const port = Number(new URL(cluster.driverUrl).port);
    console.log(`driver at ${cluster.driverUrl}`);

    // The one valid thing: a small CSV dataset.
    const csv = blobsCsv({ rows: 60, seed: 7 });
    // The hostile requests below are raw HTTP on purpose; the baseline goes through the SDK.
    const file = new Blob([csv], { type: 'text/csv' });
    const client = new TuskClient({ baseUrl: cluster.driverUrl });
    const dataset = await client.createDataset({ format: 'csv', labelColumns: 'label', partitions: 2, name: 'hostile-baseline', file });
    console.log(`baseline dataset ${dataset.id} (60 rows, 4 features, 3 classes, 2 partitions)`);
    const before = await snapshot(port);
    if (!before.ok) throw new Error('GET /jobs or GET /datasets failed before the attack');
    console.log(`recorded state: jobs [${ids(before.jobs).join(', ')}], datasets [${ids(before.datasets).join(', ')}]`);

    const ctx: Ctx = {
      datasetId: dataset.id,
      missingJobId: `job-${'0'.repeat(32)}`,
      missingDatasetId: `ds-${'0'.repeat(24)}`,
      maxUploadBytes: MAX_UPLOAD_BYTES,
      csv,
    };
    const plan: { req: HostileRequest; serial: boolean; fatal: boolean }[] = GENERATORS.flatMap((g) =>
      g.make(ctx).map((req) => ({ req, serial: Boolean(g.serial || g.fatal), fatal: Boolean(g.fatal) })),
    );
    console.log(`\n${plan.length} hostile requests from ${GENERATORS.length} generators: ${GENERATORS.map((g) => g.name).join(', ')}`);
    console.log(
      `per-request timeout ${TIMEOUT_MS / 1000} s, concurrency ${CONCURRENCY} (heavy-model generator one at a time), ` +
        `GET /health every ${HEALTH_EVERY}\n`,
    );

    // Safety net for a shared machine: a driver that balloons past this is killed (and reported).
    const driverPid = cluster.services.find((s) => s.name === 'driver')?.process.child.pid;
    const rssMb = (): number => {
      try {
        return Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${driverPid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
      } catch {
        return 0;
      }
    };
    let peakRss = rssMb();
    let watchdogKilled = '';
    let current = '';
    const watchdog = setInterval(() => {
      const rss = rssMb();
      peakRss = Math.max(peakRss, rss);
      if (rss > DRIVER_RSS_LIMIT_MB && !watchdogKilled && driverPid) {
        watchdogKilled = `driver RSS ${rss} MB > ${DRIVER_RSS_LIMIT_MB} MB during "${current}": SIGKILLed to protect the machine`;
        console.log(`  !! ${watchdogKilled}`);
        process.kill(driverPid, 'SIGKILL');
      }
    }, 500);
    /** Polls /health until it answers 200, up to maxMs; returns how long that took (or -1). */
    const waitHealthy = async (maxMs: number): Promise<number> => {
      const t0 = performance.now();
      while (performance.now() - t0 < maxMs) {
        const h = await send(port, { gen: 'health', label: 'health', method: 'GET', path: '/health' }, 5_000);
        if (h.status === 200) return performance.now() - t0;
        if (h.status === 0 && !h.error?.startsWith('timeout')) await new Promise((r) => setTimeout(r, 1000));
      }
      return -1;
    };
    let preFatal: Awaited<ReturnType<typeof snapshot>> | undefined;
    const results: Result[] = [];
    let serviceDown = 0;
    const healthFailures: string[] = [];
    const checkHealth = async (after: number) => {
      const h = await send(port, { gen: 'health', label: 'health', method: 'GET', path: '/health' }, TIMEOUT_MS);
      if (h.status !== 200) {
        serviceDown = 1;
        const line = `GET /health after ${after} requests -> ${h.status || h.error} ${clip(h.body, 200)}`;
        healthFailures.push(line);
        console.log(`  !! ${line}`);
      }
      return h;
    };
    const started = performance.now();
    for (let i = 0; i < plan.length; i += HEALTH_EVERY) {
      const chunk = plan.slice(i, i + HEALTH_EVERY);
      const parallel = chunk.filter((c) => !c.serial);
      current = `batch at ${i}`;
      const serial = chunk.filter((c) => c.serial);
      const outs: Result[] = await mapLimit(parallel, CONCURRENCY, async (c) => ({ ...c, out: await send(port, c.req, TIMEOUT_MS) }));
      for (const c of serial) {
        if (c.fatal && !preFatal) {
          preFatal = await snapshot(port);
          console.log(`  state recorded again before the request known to hang the driver (${preFatal.ok ? 'ok' : 'FAILED'})`);
        }
        current = c.req.label;
        const rssBefore = rssMb();
        const out = await send(port, c.req, TIMEOUT_MS);
        // Give the driver time to come back before the next heavy request, and report how long it was stuck.
        const back = await waitHealthy(c.fatal ? 20_000 : RECOVERY_MS);
        const rssAfter = rssMb();
        const healthy = back < 0 ? `NOT within ${(c.fatal ? 20_000 : RECOVERY_MS) / 1000} s` : `after ${Math.round(back)} ms`;
        console.log(
          `  serial: ${c.req.label}: ${out.status || out.error} in ${Math.round(out.ms)} ms; ` +
            `healthy again ${healthy}; driver RSS ${rssBefore} -> ${rssAfter} MB (peak so far ${peakRss} MB)`,
        );
        outs.push({ ...c, out, blockedMs: back });
      }
      results.push(...outs);
      const h = await checkHealth(results.length);
      const bad = outs.filter((r) => r.out.status < 400 || r.out.status >= 500).length;
      console.log(
        `  ${results.length}/${plan.length} sent (${((performance.now() - started) / 1000).toFixed(1)} s); ` +
          `this batch non-4xx ${bad}; health ${h.status || h.error}`,
      );
    }
    clearInterval(watchdog);
    await new Promise((r) => setTimeout(r, 1000));
    await checkHealth(results.length);
    let after = await snapshot(port);
    let stateNote = 'compared after the last request';
    if (!after.ok && preFatal?.ok) {
      after = preFatal;
      stateNote = 'the driver did not answer at the end: compared with the state recorded just before the last (driver-hanging) request';
    } else if (!after.ok) {
      stateNote = 'the driver did not answer GET /jobs or GET /datasets at the end: counted as changed';
    }
    const stateChanged = after.ok && after.jobs === before.jobs && after.datasets === before.datasets ? 0 : 1;

    // ------------------------------------------------------------ report
    const offenders = results.filter((r) => r.out.status < 400 || r.out.status >= 500);
    const nonJson = results.filter((r) => r.out.status >= 400 && r.out.status < 500 && !hasJsonMessage(r.out));
    console.log('\nper generator: requests, status histogram');
    for (const g of GENERATORS) {
      const mine = results.filter(
        (r) =>
          r.req.gen.startsWith(g.name.split('.')[0]) &&
          (r.req.gen === g.name || (g.name === 'ids.path-traversal' && r.req.gen === 'ids.raw-request-line')),
      );
      const hist = new Map<string, number>();
      for (const r of mine) hist.set(String(r.out.status || 'no-answer'), (hist.get(String(r.out.status || 'no-answer')) ?? 0) + 1);
      const maxMs = Math.max(...mine.map((r) => r.out.ms));
      console.log(
        `  ${g.name.padEnd(30)} ${String(mine.length).padStart(4)}  ${[...hist]
          .sort()
          .map(([k, v]) => `${k}:${v}`)
          .join(' ')}  (slowest ${Math.round(maxMs)} ms)`,
      );
    }
    console.log(`\nnon-4xx offenders (${offenders.length}):`);
    for (const r of offenders) {
      console.log(
        `- [${r.req.gen}] ${r.req.label}\n    ${r.req.method} ${clip(r.req.path, 120)}  body: ${clip(bodyText(r.req.body), 160)}` +
          `\n    -> ${r.out.status || 'no response'}${r.out.error ? ` (${r.out.error})` : ''}` +
          ` in ${Math.round(r.out.ms)} ms: ${clip(r.out.body, 300)}`,
      );
    }
    console.log(
      `\n4xx without a JSON message (${nonJson.length}; ${nonJson.filter((r) => r.req.allowNonJson).length} of them from Node's ` +
        `HTTP parser on raw request lines, accepted):`,
    );
    for (const r of nonJson) {
      console.log(
        `- [${r.req.gen}] ${r.req.label}: ${r.req.method} ${clip(r.req.path, 80)} ` +
          `-> ${r.out.status} ${clip(r.out.contentType, 40)} ${clip(r.out.body, 160)}${r.req.allowNonJson ? ' (accepted)' : ''}`,
      );
    }
    const slow = results.filter((r) => r.out.ms > SLOW_MS).sort((a, b) => b.out.ms - a.out.ms);
    console.log(`\nslower than ${SLOW_MS} ms (${slow.length}):`);
    for (const r of slow) console.log(`- [${r.req.gen}] ${r.req.label}: ${r.out.status || r.out.error} in ${Math.round(r.out.ms)} ms`);
    if (healthFailures.length) console.log(`\nhealth failures:\n${healthFailures.map((l) => `- ${l}`).join('\n')}`);
    if (stateChanged) {
      const [jb, ja, db, da] = [ids(before.jobs), ids(after.jobs), ids(before.datasets), ids(after.datasets)];
      console.log('\nstate changed:');
      console.log(
        `  jobs added: ${ja.filter((x) => !jb.includes(x)).join(', ') || '-'}; ` +
          `removed: ${jb.filter((x) => !ja.includes(x)).join(', ') || '-'}`,
      );
      console.log(
        `  datasets added: ${da.filter((x) => !db.includes(x)).join(', ') || '-'}; ` +
          `removed: ${db.filter((x) => !da.includes(x)).join(', ') || '-'}`,
      );
      try {
        for (const j of JSON.parse(after.jobs) as {
          id: string;
          status: string;
          spec: { name: string; compile: unknown; training: unknown };
          error?: string;
        }[]) {
          if (!jb.includes(j.id))
            console.log(
              `  new job ${j.id}: status ${j.status}, name ${clip(String(j.spec?.name), 40)}, ` +
                `compile ${clip(JSON.stringify(j.spec?.compile), 120)}, ` +
                `training ${clip(JSON.stringify(j.spec?.training), 160)}${j.error ? `, error ${clip(j.error, 160)}` : ''}`,
            );
        }
      } catch {
        /* printed the ids above */
      }
      if (ja.length === jb.length && da.length === db.length) console.log('  (same ids, different JSON)');
    }
    console.log(`\nstate check: ${stateNote}; state_changed=${stateChanged}`);
    console.log(`driver peak RSS seen: ${peakRss} MB${watchdogKilled ? `; watchdog: ${watchdogKilled}` : ''}`);
    const met = offenders.length === 0 && serviceDown === 0 && stateChanged === 0;
    console.log(`\ntarget non_4xx=0 service_down=0 state_changed=0: ${met ? 'met' : 'NOT met'}`);
    console.log(`service logs: ${logPath}`);
    console.log(
      `RESULT hostile-input requests=${results.length} non_4xx=${offenders.length} service_down=${serviceDown} ` +
        `state_changed=${stateChanged}`,
    );
    return 0;
  } finally {
    await stop();
  }
}

runMain('hostile-input', main);
