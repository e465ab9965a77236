import type { SweepRecord, TrialRecord } from '@tusk/contracts';
import { table } from './stats.js';

/** What a bench reports of one finished sweep. */
export interface SweepFigures {
  id: string;
  status: string;
  /** createdAt to finishedAt of the record (the driver's clock); the client's POST-to-final time when missing. */
  wallSeconds: number;
  clientSeconds: number;
  /** Rounds run by all trials together. */
  rounds: number;
  /** Rounds a sweep without early stopping runs: trials × maxRounds (ASHA) or the rounds the trials ran. */
  trials: number;
  best: number;
  bestTrial?: TrialRecord;
  byStatus: Record<string, number>;
}

/** `compile.optimizer.config.learning_rate` → `learning_rate`, `training.batchSize` → `batchSize`. */
export const paramLabel = (key: string): string => key.split('.').at(-1) ?? key;

export function formatParam(value: number | string | boolean | undefined): string {
  if (typeof value !== 'number') return String(value ?? '-');
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) < 0.01 ? value.toExponential(2) : value.toPrecision(3);
}

export const formatParams = (params: TrialRecord['params']): string =>
  Object.entries(params)
    .map(([k, v]) => `${paramLabel(k)} ${formatParam(v)}`)
    .join(', ');

/** The better of two metric values for the sweep's mode; NaN / missing always loses. */
function better(mode: 'min' | 'max', a: number | undefined, b: number | undefined): boolean {
  if (a === undefined || !Number.isFinite(a)) return false;
  if (b === undefined || !Number.isFinite(b)) return true;
  return mode === 'max' ? a > b : a < b;
}

/** Trials best first (by their best metric; trials without one last, by index). */
export function ranked(sweep: SweepRecord): TrialRecord[] {
  const mode = sweep.spec.mode;
  return [...sweep.trials].sort((a, b) => (better(mode, a.best, b.best) ? -1 : better(mode, b.best, a.best) ? 1 : a.index - b.index));
}

export function sweepFigures(sweep: SweepRecord, clientSeconds: number): SweepFigures {
  const driverSeconds = sweep.finishedAt ? (Date.parse(sweep.finishedAt) - Date.parse(sweep.createdAt)) / 1000 : Number.NaN;
  const top = sweep.bestTrial !== undefined ? sweep.trials.find((t) => t.index === sweep.bestTrial) : ranked(sweep)[0];
  const byStatus: Record<string, number> = {};
  for (const t of sweep.trials) byStatus[t.status] = (byStatus[t.status] ?? 0) + 1;
  return {
    id: sweep.id,
    status: sweep.status,
    wallSeconds: Number.isFinite(driverSeconds) && driverSeconds > 0 ? driverSeconds : clientSeconds,
    clientSeconds,
    rounds: sweep.trials.reduce((n, t) => n + t.roundsRun, 0),
    trials: sweep.trials.length,
    best: top?.best ?? Number.NaN,
    bestTrial: top,
    byStatus,
  };
}

/**
 * The leaderboard as a table: rank, trial, one column per parameter, status, rounds run, best metric and the
 * round it came from, the rung decisions (`r1 0.8123 go`, `r3 0.8450 stop`) and the trial's job seconds when given.
 */
export function leaderboard(sweep: SweepRecord, jobSeconds: Map<number, number> = new Map()): string {
  const keys = Object.keys(sweep.spec.space);
  const rows = ranked(sweep).map((t, i) => [
    String(i + 1),
    `#${t.index}`,
    ...keys.map((k) => formatParam(t.params[k])),
    t.status,
    String(t.roundsRun),
    t.best === undefined ? '-' : t.best.toFixed(4),
    t.bestRound === undefined ? '-' : String(t.bestRound),
    t.rungs.map((r) => `r${r.round} ${r.value.toFixed(4)} ${r.decision === 'continue' ? 'go' : 'stop'}`).join(', ') || '-',
    jobSeconds.has(t.index) ? jobSeconds.get(t.index)!.toFixed(1) : '-',
  ]);
  return table([['rank', 'trial', ...keys.map(paramLabel), 'status', 'rounds', sweep.spec.metric, 'at', 'rungs', 'job_s'], ...rows]);
}
