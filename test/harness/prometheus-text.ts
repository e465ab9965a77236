import { execFileSync } from 'node:child_process';

/** One sample line of the Prometheus text format. */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
const unescapeLabel = (v: string) => v.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));

/** The samples of a Prometheus text exposition (comments skipped); throws on a line it cannot read. */
export function parsePrometheusText(text: string): PromSample[] {
  const samples: PromSample[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const m = SAMPLE_LINE.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (m[2] ?? '').matchAll(LABEL_PAIR)) labels[key] = unescapeLabel(value);
    samples.push({ name: m[1], labels, value: Number(m[3].replace(/^\+?Inf$/, 'Infinity').replace(/^-Inf$/, '-Infinity')) });
  }
  return samples;
}

/** The samples named `name` whose labels include `labels`. */
export const samplesOf = (samples: PromSample[], name: string, labels: Record<string, string> = {}): PromSample[] =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

/** The value of the one sample named `name` with `labels`; throws when there is none or more than one. */
export function valueOf(samples: PromSample[], name: string, labels: Record<string, string> = {}): number {
  const found = samplesOf(samples, name, labels);
  if (found.length !== 1) throw new Error(`expected one sample ${name}${JSON.stringify(labels)}, found ${found.length}`);
  return found[0].value;
}

/**
 * `promtool check metrics` on the text: its lint findings, one per line. Throws when promtool cannot
 * parse the text (exit 1); lint findings alone exit 3 and are returned for the caller to judge.
 */
export function promtoolFindings(text: string): string[] {
  try {
    execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    return [];
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { status?: number; stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') throw new Error('promtool is missing: apt-get install prometheus', { cause: err });
    if (e.status !== 3) throw new Error(`promtool check metrics exited ${e.status}: ${e.stderr}${e.stdout}`, { cause: err });
    return `${e.stdout}${e.stderr}`
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  }
}
