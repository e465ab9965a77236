import type { RoundRecord, SweepRecord, TrialRecord } from '@tusk/contracts';
import { isFinalStatus } from '@tusk/client';

/** The leaderboard's order: best metric first (by the sweep's mode), trials without one after, by index. */
export function rankTrials(trials: TrialRecord[], mode: 'min' | 'max'): TrialRecord[] {
  const sign = mode === 'max' ? -1 : 1;
  const has = (t: TrialRecord) => t.best !== undefined && Number.isFinite(t.best);
  return [...trials].sort((a, b) => {
    if (has(a) && has(b) && a.best !== b.best) return sign * (a.best! - b.best!);
    if (has(a) !== has(b)) return has(a) ? -1 : 1;
    return a.index - b.index;
  });
}

export const trialsDone = (sweep: SweepRecord): number => sweep.trials.filter((t) => isFinalStatus(t.status)).length;

/** How many trials the sweep runs: the driver plans them all when it accepts the sweep (`pending` until started). */
export const trialsTotal = (sweep: SweepRecord): number => sweep.trials.length;

export const bestTrialOf = (sweep: SweepRecord): TrialRecord | undefined =>
  sweep.bestTrial === undefined ? undefined : sweep.trials.find((t) => t.index === sweep.bestTrial);

/** A parameter value: numbers with 4 significant digits, the rest as written. */
export const paramText = (value: number | string | boolean): string =>
  typeof value === 'number' ? String(Number(value.toPrecision(4))) : String(value);

/** Short names for the space's keys: the last segment (`learning_rate`) unless two keys share it, then the whole key. */
export function paramLabels(keys: string[]): Map<string, string> {
  const last = (key: string) => key.slice(key.lastIndexOf('.') + 1);
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(last(key), (counts.get(last(key)) ?? 0) + 1);
  return new Map(keys.map((key) => [key, counts.get(last(key))! > 1 ? key : last(key)]));
}

export interface SweepCurves {
  /** Rounds 1..the most any trial ran. */
  x: number[];
  /** One series per trial that has a job, in trial order; null where that trial has no value for the round. */
  series: { index: number; values: (number | null)[] }[];
}

/** Every trial's metric per round, from its job's history, on one shared x axis of rounds. */
export function sweepCurves(trials: TrialRecord[], histories: Map<number, RoundRecord[]>, metric: string): SweepCurves {
  const shown = [...trials].filter((t) => t.jobId !== undefined).sort((a, b) => a.index - b.index);
  const last = Math.max(0, ...shown.flatMap((t) => (histories.get(t.index) ?? []).map((r) => r.round)));
  const x = Array.from({ length: last }, (_, i) => i + 1);
  const series = shown.map((t) => {
    const values = new Array<number | null>(last).fill(null);
    for (const r of histories.get(t.index) ?? []) {
      const v = r.metrics[metric];
      if (r.round >= 1 && Number.isFinite(v)) values[r.round - 1] = v;
    }
    return { index: t.index, values };
  });
  return { x, series };
}

/**
 * The trials whose job must be (re)read after the leaderboard changed from `before` to `after`: a new job,
 * more rounds run, or a status change (the last rounds of a trial that just ended).
 */
export function trialsToFetch(before: TrialRecord[] | undefined, after: TrialRecord[]): TrialRecord[] {
  const old = new Map((before ?? []).map((t) => [t.index, t]));
  return after.filter((t) => {
    if (!t.jobId) return false;
    const o = old.get(t.index);
    return !o || o.jobId !== t.jobId || o.roundsRun !== t.roundsRun || o.status !== t.status;
  });
}
