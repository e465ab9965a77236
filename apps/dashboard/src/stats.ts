import type { RoundRecord, VersionPoint } from '@tusk/contracts';

/** A worker is a straggler in a round when its samples/s is below this share of the round's median. */
export const STRAGGLER_SHARE = 0.8;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Workers (by id) slower than STRAGGLER_SHARE of the round's median samples/s; none with fewer than 2 workers. */
export function stragglersOf(round: Pick<RoundRecord, 'workers'>): Set<string> {
  if (round.workers.length < 2) return new Set();
  const bar = STRAGGLER_SHARE * median(round.workers.map((w) => w.samplesPerSecond));
  return new Set(round.workers.filter((w) => w.samplesPerSecond < bar).map((w) => w.workerId));
}

/** Metric names grouped by what they measure: `loss` with `val_loss`, `accuracy` with `val_accuracy`. */
export function metricGroups(names: Iterable<string>): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const name of [...new Set(names)].sort()) {
    const base = name.replace(/^val_/, '');
    groups.set(
      base,
      [...(groups.get(base) ?? []), name].sort((a, b) => a.length - b.length),
    );
  }
  return groups;
}

export interface Curve {
  /** x values: rounds, or versions for asynchronous jobs. */
  x: number[];
  /** One column per metric name, null where a point lacks it. */
  y: Map<string, (number | null)[]>;
}

/** Per-round metrics of a synchronous job. */
export function roundCurve(history: RoundRecord[]): Curve {
  return curveOf(history.map((r) => ({ x: r.round, metrics: r.metrics })));
}

/** Per-version metrics of an asynchronous job (points arrive in order; ties keep the first). */
export function versionCurve(points: VersionPoint[]): Curve {
  const sorted = [...points].sort((a, b) => a.version - b.version);
  return curveOf(
    sorted.filter((p, i) => i === 0 || p.version !== sorted[i - 1].version).map((p) => ({ x: p.version, metrics: p.metrics })),
  );
}

function curveOf(points: { x: number; metrics: Record<string, number> }[]): Curve {
  const names = new Set(points.flatMap((p) => Object.keys(p.metrics)));
  const y = new Map<string, (number | null)[]>();
  for (const name of names)
    y.set(
      name,
      points.map((p) => (Number.isFinite(p.metrics[name]) ? p.metrics[name] : null)),
    );
  return { x: points.map((p) => p.x), y };
}

/** Samples/s per worker per round: one column per worker id, the slowest straggler of each round, and how often each worker straggled. */
export function throughputOf(history: RoundRecord[]): {
  x: number[];
  workers: string[];
  columns: (number | null)[][];
  stragglers: (number | null)[];
  timesSlow: Map<string, number>;
} {
  const workers = [...new Set(history.flatMap((r) => r.workers.map((w) => w.workerId)))].sort();
  const column = new Map(workers.map((id, i) => [id, i]));
  const columns: (number | null)[][] = workers.map(() => new Array<number | null>(history.length).fill(null));
  const timesSlow = new Map<string, number>();
  const stragglers = history.map((r, i) => {
    for (const w of r.workers) columns[column.get(w.workerId)!][i] = w.samplesPerSecond;
    const slow = stragglersOf(r);
    for (const id of slow) timesSlow.set(id, (timesSlow.get(id) ?? 0) + 1);
    const rates = r.workers.filter((w) => slow.has(w.workerId)).map((w) => w.samplesPerSecond);
    return rates.length ? Math.min(...rates) : null;
  });
  return { x: history.map((r) => r.round), workers, columns, stragglers, timesSlow };
}

/** Per round: the slowest, median and fastest worker's samples/s (what a chart of many workers shows). */
export function throughputBands(history: RoundRecord[]): { min: (number | null)[]; median: (number | null)[]; max: (number | null)[] } {
  const rates = history.map((r) => r.workers.map((w) => w.samplesPerSecond));
  return {
    min: rates.map((v) => (v.length ? Math.min(...v) : null)),
    median: rates.map((v) => (v.length ? median(v) : null)),
    max: rates.map((v) => (v.length ? Math.max(...v) : null)),
  };
}
