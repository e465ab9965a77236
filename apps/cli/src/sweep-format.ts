import type { SweepRecord, TrialRecord } from '@tusk/contracts';
import { formatDuration, formatMetric, isFinalStatus } from '@tusk/client';
import { formatTable } from './table.js';

/** A parameter value: numbers with 4 significant digits (`0.001235`, `32`, `1.5e-7`), the rest as written. */
export function formatParam(value: number | string | boolean): string {
  return typeof value === 'number' ? String(Number(value.toPrecision(4))) : String(value);
}

/**
 * Short names for the space's keys: the last segment (`learning_rate` for
 * `compile.optimizer.config.learning_rate`) unless two keys share it, then the whole key.
 */
export function paramLabels(keys: string[]): Map<string, string> {
  const last = (key: string) => key.slice(key.lastIndexOf('.') + 1);
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(last(key), (counts.get(last(key)) ?? 0) + 1);
  return new Map(keys.map((key) => [key, counts.get(last(key))! > 1 ? key : last(key)]));
}

/** `learning_rate=0.01 batchSize=32`, keys in the space's order. */
export function formatParams(params: TrialRecord['params'], labels: Map<string, string>): string {
  const keys = [...labels.keys(), ...Object.keys(params).filter((k) => !labels.has(k))];
  return keys
    .filter((k) => k in params)
    .map((k) => `${labels.get(k) ?? k}=${formatParam(params[k])}`)
    .join(' ');
}

/** The leaderboard's order: best metric first (by the sweep's mode), trials without one after, by index. */
export function rankTrials(trials: TrialRecord[], mode: 'min' | 'max'): TrialRecord[] {
  const sign = mode === 'max' ? -1 : 1;
  return [...trials].sort((a, b) => {
    const ha = a.best !== undefined && Number.isFinite(a.best);
    const hb = b.best !== undefined && Number.isFinite(b.best);
    if (ha && hb && a.best !== b.best) return sign * (a.best! - b.best!);
    if (ha !== hb) return ha ? -1 : 1;
    return a.index - b.index;
  });
}

/** Trials that ended (any final job status). */
export const trialsDone = (sweep: SweepRecord): number => sweep.trials.filter((t) => isFinalStatus(t.status)).length;

/** How many trials the sweep runs: the driver plans them all when it accepts the sweep (`pending` until started). */
export const trialsTotal = (sweep: SweepRecord): number => sweep.trials.length;

/** The best trial's metric, e.g. `trial 3 val_accuracy 0.9123`, or `-`. */
function bestOf(sweep: SweepRecord): string {
  const best = sweep.bestTrial === undefined ? undefined : sweep.trials.find((t) => t.index === sweep.bestTrial);
  return best ? `trial ${best.index} ${sweep.spec.metric} ${formatMetric(best.best)}` : '-';
}

/**
 * The leaderboard `tusk sweep watch` draws: a heading line, then one row per trial, best first:
 * trial, params, status, best metric, the round that gave it, rounds run. The best trial is marked `*`.
 */
export function leaderboard(sweep: SweepRecord): string {
  const labels = paramLabels(Object.keys(sweep.spec.space));
  const rows = rankTrials(sweep.trials, sweep.spec.mode).map((t) => [
    `${t.index}${t.index === sweep.bestTrial ? '*' : ''}`,
    formatParams(t.params, labels),
    t.status,
    formatMetric(t.best),
    t.bestRound === undefined ? '-' : String(t.bestRound),
    String(t.roundsRun),
  ]);
  const heading =
    `sweep ${sweep.id} ${sweep.spec.name}  ${sweep.status}  ` +
    `${trialsDone(sweep)}/${trialsTotal(sweep)} trials done  best: ${bestOf(sweep)}`;
  const table = formatTable(['TRIAL', 'PARAMS', 'STATUS', sweep.spec.metric.toUpperCase(), 'AT ROUND', 'ROUNDS'], rows, {
    right: [0, 3, 4, 5],
  });
  return `${heading}\n${table}`;
}

/** The last line of `tusk sweep watch`: how it ended, how many trials stopped early or failed, and the best. */
export function sweepSummary(sweep: SweepRecord): string {
  const took = sweep.finishedAt ? ` in ${formatDuration((Date.parse(sweep.finishedAt) - Date.parse(sweep.createdAt)) / 1000)}` : '';
  const count = (status: string) => sweep.trials.filter((t) => t.status === status).length;
  const notes = [
    ['stopped', 'stopped early'],
    ['failed', 'failed'],
    ['cancelled', 'cancelled'],
  ]
    .filter(([status]) => count(status) > 0)
    .map(([status, words]) => `${count(status)} ${words}`);
  const best = sweep.bestTrial === undefined ? undefined : sweep.trials.find((t) => t.index === sweep.bestTrial);
  const bestText = best
    ? `, best trial ${best.index}: ${sweep.spec.metric} ${formatMetric(best.best)} (${best.jobId ?? 'no job'})`
    : ', no trial reported the metric';
  const notesText = notes.length ? ` (${notes.join(', ')})` : '';
  const errorText = sweep.error ? `; ${sweep.error}` : '';
  return `sweep ${sweep.id} ${sweep.status}${took}: ${sweep.trials.length} trials${notesText}${bestText}${errorText}`;
}

/** `tusk sweep list`: id, name, status, trials done/total, metric, best value, creation time. */
export function sweepsTable(sweeps: SweepRecord[]): string {
  const rows = sweeps.map((s) => {
    const best = s.bestTrial === undefined ? undefined : s.trials.find((t) => t.index === s.bestTrial);
    return [
      s.id,
      s.spec.name,
      s.status,
      `${trialsDone(s)}/${trialsTotal(s)}`,
      `${s.spec.metric} (${s.spec.mode})`,
      formatMetric(best?.best),
      s.createdAt,
    ];
  });
  return formatTable(['ID', 'NAME', 'STATUS', 'TRIALS', 'METRIC', 'BEST', 'CREATED'], rows, { right: [3, 5] });
}

/** `tusk sweep best`: the best trial's job, metric and params, one per line. */
export function bestTrialText(sweep: SweepRecord, trial: TrialRecord): string {
  const atRound = trial.bestRound === undefined ? '' : ` at round ${trial.bestRound}`;
  const lines = [
    `trial   ${trial.index} (${trial.status})`,
    `job     ${trial.jobId ?? '-'}`,
    `${sweep.spec.metric.padEnd(7)} ${formatMetric(trial.best)}${atRound} (${sweep.spec.mode})`,
    'params',
  ];
  const width = Math.max(0, ...Object.keys(trial.params).map((k) => k.length));
  for (const [key, value] of Object.entries(trial.params)) lines.push(`  ${key.padEnd(width)}  ${formatParam(value)}`);
  return lines.join('\n');
}

/**
 * Draws the leaderboard: on a terminal redrawn in place (cursor up over the previous drawing, clear below);
 * otherwise printed again only when a trial's or the sweep's status changes, so logs keep every step
 * without a table per round.
 */
export class LeaderboardRenderer {
  private lines = 0;
  private lastKey = '';

  /** `columns`: the terminal's width; longer lines are cut there, since a wrapped line would throw the redraw off. */
  constructor(
    private readonly out: { write(text: string): unknown },
    private readonly tty: boolean,
    private readonly columns?: number,
  ) {}

  draw(sweep: SweepRecord): void {
    let text = leaderboard(sweep);
    if (this.tty) {
      const width = this.columns;
      if (width && width > 1)
        text = text
          .split('\n')
          .map((l) => (l.length >= width ? `${l.slice(0, width - 2)}…` : l))
          .join('\n');
      this.out.write(`${this.lines > 0 ? `\x1b[${this.lines}F\x1b[J` : ''}${text}\n`);
      this.lines = text.split('\n').length;
      return;
    }
    const key = [sweep.status, sweep.bestTrial, ...sweep.trials.map((t) => `${t.index}:${t.status}`)].join(' ');
    if (key === this.lastKey) return;
    this.out.write(`${this.lastKey ? '\n' : ''}${text}\n`);
    this.lastKey = key;
  }
}
