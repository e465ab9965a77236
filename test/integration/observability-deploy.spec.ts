// The Grafana dashboard and the Prometheus config in deploy/ against the metrics the services really
// register: a renamed metric fails here instead of leaving an empty panel.
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import type { Registry } from 'prom-client';
import { createMetricsRegistry } from '@tusk/infra';
import { DriverMetrics } from '../../apps/driver/src/metrics/driver-metrics.js';
import { registerStateGauges } from '../../apps/driver/src/metrics/state-gauges.js';
import { PushMetrics } from '../../apps/parameter-server/src/metrics/push-metrics.js';
import { WorkerMetrics } from '../../apps/worker/src/metrics/worker-metrics.js';

const deployFile = (path: string) => fileURLToPath(new URL(`../../deploy/${path}`, import.meta.url));

/** Each service's registry as the app builds it (the scrape-time gauges with stand-in sources). */
function serviceRegistries(): Registry[] {
  const driver = createMetricsRegistry({ service: 'driver' });
  new DriverMetrics(driver);
  registerStateGauges(driver, { jobStatuses: async () => [], pendingTasks: async () => ({ waiting: 0, held: 0, addressed: 0 }) });
  const worker = createMetricsRegistry({ service: 'worker', labels: { worker: 'w' } });
  new WorkerMetrics(worker);
  const ps = createMetricsRegistry({ service: 'parameter-server' });
  new PushMetrics(ps);
  return [driver, worker, ps];
}

/** Every series name the services expose: a histogram's `_bucket`, `_sum` and `_count` included. */
async function exportedSeries(): Promise<Map<string, string>> {
  const family = new Map<string, string>();
  for (const registry of serviceRegistries()) {
    for (const metric of await registry.getMetricsAsJSON()) {
      const { name } = metric;
      const type = String(metric.type); // typed as an enum in prom-client's typings, a plain string at run time
      const series =
        type === 'histogram'
          ? [`${name}_bucket`, `${name}_sum`, `${name}_count`]
          : type === 'summary'
            ? [name, `${name}_sum`, `${name}_count`]
            : [name];
      for (const s of series) family.set(s, name);
    }
  }
  return family;
}

const PROMQL_KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression reads: identifiers left once strings, matchers, ranges, groupings and function
 * calls are taken out.
 */
function metricNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = [...bare.matchAll(/(?<![\w$.])([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g)].map((m) => m[1]);
  return [...new Set(names.filter((n) => !PROMQL_KEYWORDS.has(n.toLowerCase())))];
}

interface Panel {
  title?: string;
  type: string;
  targets?: { expr?: string }[];
  panels?: Panel[];
}
const dashboard = JSON.parse(readFileSync(deployFile('grafana/tusk-dashboard.json'), 'utf8')) as {
  schemaVersion: number;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: string }[] };
};
const allPanels = (panels: Panel[]): Panel[] => panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
const queries = allPanels(dashboard.panels).flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr ?? '' })));

describe('deploy/grafana/tusk-dashboard.json', () => {
  it('reads the names out of PromQL', () => {
    expect(
      metricNamesIn('histogram_quantile(0.95, sum by (le, mode) (rate(tusk_round_duration_seconds_bucket{mode!="x"}[$__rate_interval])))'),
    ).toEqual(['tusk_round_duration_seconds_bucket']);
    expect(metricNamesIn('max by (status) (tusk_jobs) / on (service) group_left sum(up)')).toEqual(['tusk_jobs', 'up']);
  });

  it('queries only metrics that the services export', async () => {
    const exported = await exportedSeries();
    expect(queries.length).toBeGreaterThan(10);
    const unknown = queries.flatMap(({ panel, expr }) =>
      metricNamesIn(expr)
        .filter((n) => !exported.has(n))
        .map((n) => `${panel}: ${n}`),
    );
    expect(unknown).toEqual([]);
  });

  it('has a panel for every Tusk metric', async () => {
    const exported = await exportedSeries();
    const charted = new Set(queries.flatMap(({ expr }) => metricNamesIn(expr)).map((n) => exported.get(n)));
    const tuskFamilies = [...new Set(exported.values())].filter((n) => n.startsWith('tusk_'));
    expect(tuskFamilies.filter((n) => !charted.has(n))).toEqual([]);
  });

  it('picks its Prometheus through a datasource variable', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }),
    );
    const datasources = allPanels(dashboard.panels)
      .filter((p) => p.type !== 'row')
      .map((p) => (p as { datasource?: { uid?: string } }).datasource?.uid);
    expect(new Set(datasources)).toEqual(new Set(['${datasource}']));
  });
});

describe('deploy/prometheus.yml', () => {
  it('is a valid Prometheus config that scrapes every service on its compose port', () => {
    expect(execFileSync('promtool', ['check', 'config', deployFile('prometheus.yml')], { encoding: 'utf8' })).toContain('SUCCESS');
    const config = readFileSync(deployFile('prometheus.yml'), 'utf8');
    expect(config).toMatch(/targets: \[["']driver:8080["']\]/);
    expect(config).toMatch(/names: \[["']parameter-server["']\]\n\s+type: A\n\s+port: 8082/);
    expect(config).toMatch(/names: \[["']worker["']\]\n\s+type: A\n\s+port: 8081/);
  });
});
