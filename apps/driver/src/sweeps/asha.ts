import type { SweepScheduler } from '@tusk/contracts';

type Asha = Extract<SweepScheduler, { type: 'asha' }>;

/** Rounds where ASHA decides: gracePeriod × reductionFactor^k, below maxRounds (the last round ends the trial anyway). */
export function rungsOf({ gracePeriod, reductionFactor, maxRounds }: Asha): number[] {
  const rungs: number[] = [];
  for (let r = gracePeriod; r < maxRounds; r *= reductionFactor) rungs.push(r);
  return rungs;
}

/** The q-quantile (0..1) with linear interpolation, as numpy's default. */
function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return lo + 1 < s.length ? s[lo] + (pos - lo) * (s[lo + 1] - s[lo]) : s[lo];
}

/**
 * ASHA's stopping rule at one rung (as Ray Tune's AsyncHyperBand): go on only when the value is in the top
 * 1/reductionFactor of every value recorded at this rung so far, this one included. The first trials to reach a
 * rung always go on; a value that is not a number always stops.
 */
export function ashaDecision({
  value,
  recorded,
  reductionFactor,
  mode,
}: {
  value: number;
  recorded: number[];
  reductionFactor: number;
  mode: 'min' | 'max';
}): 'continue' | 'stop' {
  if (!Number.isFinite(value)) return 'stop';
  const all = [...recorded.filter(Number.isFinite), value].map((v) => (mode === 'max' ? v : -v));
  const cutoff = quantile(all, 1 - 1 / reductionFactor);
  return (mode === 'max' ? value : -value) >= cutoff ? 'continue' : 'stop';
}
