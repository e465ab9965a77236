/** Median of a non-empty list (mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length === 0) return Number.NaN;
  const s = [...v].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function fmt(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '-';
}

/** A fixed-width table: the first row is the header, the first column left-aligned, the others right-aligned. */
export function table(rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map(String));
  const widths = cells[0].map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  return cells
    .map((r, i) => {
      const line = r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  ');
      return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

/** 1-minute load average and core count, for the report: other benches may share the machine. */
export async function loadNote(): Promise<string> {
  const os = await import('node:os');
  const [l1, l5] = os.loadavg();
  return `load avg ${l1.toFixed(2)} (1 min), ${l5.toFixed(2)} (5 min) on ${os.cpus().length} cores`;
}

/** `median (min–max)` of a list, for figures repeated across repetitions; just the value for one. */
export function spread(values: readonly number[], digits = 1): string {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length === 0) return '-';
  if (v.length === 1) return fmt(v[0], digits);
  return `${fmt(median(v), digits)} (${fmt(Math.min(...v), digits)}–${fmt(Math.max(...v), digits)})`;
}

/** Least-squares line through `[x, y]` points, to extrapolate a cost; undefined with fewer than two distinct x. */
export function linearFit(points: readonly (readonly [number, number])[]): { intercept: number; slope: number } | undefined {
  const p = points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const mx = p.reduce((n, [x]) => n + x, 0) / p.length;
  const my = p.reduce((n, [, y]) => n + y, 0) / p.length;
  const sxx = p.reduce((n, [x]) => n + (x - mx) ** 2, 0);
  if (p.length < 2 || sxx === 0) return undefined;
  const slope = p.reduce((n, [x, y]) => n + (x - mx) * (y - my), 0) / sxx;
  return { intercept: my - slope * mx, slope };
}
