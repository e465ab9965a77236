import { readFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve } from 'node:path';
import { eventOf } from '../apps/driver/src/jobs/job-events.js';
import { launchChromium } from '../scripts/chromium.js';
import { syntheticJob, syntheticRound } from './lib/synthetic-job.js';
import { fmt, loadNote, median, table } from './lib/stats.js';

/**
 * `npm run bench:dashboard`: is a job's page responsive with 1,000 rounds and 64 workers? Serves the built
 * dashboard with a synthetic job record and event stream (the page, not the driver, is measured), opens it in
 * Debian's Chromium, and measures the first render and the delay from a round event to the redrawn charts.
 * Baselines measured in the same run: the same page with a 10-round, 2-worker job, and the 100 ms a user
 * perceives as instant (RAIL). Prints median and spread of TUSK_BENCH_REPS (5) runs.
 */
const REPS = Number(process.env.TUSK_BENCH_REPS ?? 5);
const LIVE_EVENTS = 30;
const DIST = resolve('dist/dashboard');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

interface Shape {
  rounds: number;
  workers: number;
}
const BIG: Shape = { rounds: 1000, workers: 64 };
const SMALL: Shape = { rounds: 10, workers: 2 };

async function serve(shape: Shape) {
  const job = syntheticJob({ id: 'job-bench', ...shape, totalRounds: shape.rounds + LIVE_EVENTS + 10 });
  let stream: ServerResponse | null = null;
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const json = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (path === '/jobs/job-bench') return json(job);
    if (path === '/jobs/job-bench/logs' || path === '/datasets') return json([]);
    if (path === '/jobs/job-bench/events') {
      stream = res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      return;
    }
    const file = path === '/' ? 'index.html' : path.slice(1);
    const body = await readFile(join(DIST, file)).catch(() => null);
    if (!body) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    streamOpen: () => stream !== null,
    /** Sends round `job.round + 1` as the driver would; returns when it was written. */
    sendRound: () => {
      job.round += 1;
      const record = syntheticRound(job.round, shape.workers);
      job.history.push(record);
      stream!.write(`data: ${JSON.stringify(eventOf(job, 'round', record))}\n\n`);
      return job.round;
    },
    close: () => new Promise<void>((r) => (stream?.end(), server.close(() => r()))),
  };
}

async function measure(shape: Shape): Promise<{ renderMs: number; updateMs: number[]; longTaskMs: number }> {
  const site = await serve(shape);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${site.url}/#/jobs/job-bench`);
    await page.waitForSelector(`[data-testid="chart-loss"][data-points="${shape.rounds}"]`);
    await page.waitForSelector('[data-testid="chart-throughput"]');
    const renderMs = await page.evaluate(() => performance.now());
    await page.evaluate(() => {
      const w = window as unknown as { longTasks: number };
      w.longTasks = 0;
      new PerformanceObserver((list) => list.getEntries().forEach((e) => (w.longTasks += e.duration))).observe({ type: 'longtask' });
    });
    while (!site.streamOpen()) await page.waitForTimeout(10);
    const updateMs: number[] = [];
    for (let i = 0; i < LIVE_EVENTS; i++) {
      const sent = performance.now();
      const round = site.sendRound();
      await page.waitForSelector(`[data-testid="chart-throughput"][data-points="${round}"]`, { polling: 'raf' } as never);
      updateMs.push(performance.now() - sent);
      await page.waitForTimeout(50);
    }
    const longTaskMs = await page.evaluate(() => (window as unknown as { longTasks: number }).longTasks);
    return { renderMs, updateMs, longTaskMs };
  } finally {
    await browser.close();
    await site.close();
  }
}

const spread = (values: number[]) => `${fmt(Math.min(...values), 0)}–${fmt(Math.max(...values), 0)}`;
const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.95)];

const results: Record<'big' | 'small', { render: number[]; update: number[]; updateP95: number[]; longTasks: number[] }> = {
  big: { render: [], update: [], updateP95: [], longTasks: [] },
  small: { render: [], update: [], updateP95: [], longTasks: [] },
};
for (let rep = 0; rep < REPS; rep++) {
  for (const [name, shape] of [
    ['small', SMALL],
    ['big', BIG],
  ] as const) {
    const r = await measure(shape);
    results[name].render.push(r.renderMs);
    results[name].update.push(median(r.updateMs));
    results[name].updateP95.push(p95(r.updateMs));
    results[name].longTasks.push(r.longTaskMs);
    console.log(
      `rep ${rep + 1} ${name}: render ${fmt(r.renderMs, 0)} ms, update median ${fmt(median(r.updateMs), 1)} ms, ` +
        `p95 ${fmt(p95(r.updateMs), 1)} ms, long tasks ${fmt(r.longTaskMs, 0)} ms over ${LIVE_EVENTS} events`,
    );
  }
}
const row = (name: 'big' | 'small', label: string) => {
  const r = results[name];
  return [
    label,
    `${fmt(median(r.render), 0)} (${spread(r.render)})`,
    `${fmt(median(r.update), 1)} (${spread(r.update)})`,
    `${fmt(median(r.updateP95), 1)} (${spread(r.updateP95)})`,
    `${fmt(median(r.longTasks), 0)} (${spread(r.longTasks)})`,
  ];
};
console.log(`\njob page, median (min–max) of ${REPS} runs; ${await loadNote()}`);
console.log(
  table([
    ['job', 'first render ms', 'round update ms', 'update p95 ms', `long tasks ms / ${LIVE_EVENTS} rounds`],
    row('small', '10 rounds × 2 workers'),
    row('big', '1000 rounds × 64 workers'),
  ]),
);
const big = results.big;
console.log(
  `RESULT dashboard render_ms=${fmt(median(big.render), 0)} update_ms=${fmt(median(big.update), 1)} ` +
    `update_p95_ms=${fmt(median(big.updateP95), 1)} ` +
    `render_ratio_to_small=${fmt(median(big.render) / median(results.small.render), 2)} ` +
    `update_p95_to_100ms_budget=${fmt(median(big.updateP95) / 100, 2)}`,
);
