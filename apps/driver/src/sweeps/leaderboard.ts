import { FINAL_STATUSES, type JobRecord, type SweepRecord, type TrialRecord } from '@tusk/contracts';

const better = (mode: 'min' | 'max', a: number, b: number): boolean => (mode === 'max' ? a > b : a < b);

/** The best value of `metric` over a job's rounds, and the round that gave it. */
export function bestOf(job: JobRecord, metric: string, mode: 'min' | 'max'): { best?: number; bestRound?: number } {
  let found: { best?: number; bestRound?: number } = {};
  for (const round of job.history) {
    const v = round.metrics[metric];
    if (Number.isFinite(v) && (found.best === undefined || better(mode, v, found.best))) found = { best: v, bestRound: round.round };
  }
  return found;
}

export const isActive = (t: TrialRecord): boolean => t.jobId !== undefined && !FINAL_STATUSES.includes(t.status as JobRecord['status']);

/** The trial's row as its job now stands (its rungs are the scheduler's, left as they are). */
export function refreshTrial(trial: TrialRecord, job: JobRecord, sweep: SweepRecord): void {
  Object.assign(trial, { status: job.status, roundsRun: job.round, ...bestOf(job, sweep.spec.metric, sweep.spec.mode) });
  if (job.error) trial.error = job.error;
}

/** Index of the trial with the best metric, if any trial has one. */
export function bestTrialOf(sweep: SweepRecord): number | undefined {
  let best: TrialRecord | undefined;
  for (const t of sweep.trials) if (t.best !== undefined && (!best || better(sweep.spec.mode, t.best, best.best!))) best = t;
  return best?.index;
}

/** What a running sweep becomes once its trials stand as they do: still running, or its final status and why. */
export function outcomeOf(sweep: SweepRecord): { status: SweepRecord['status']; error?: string } {
  const failed = sweep.trials.filter((t) => t.status === 'failed').length;
  if (failed > sweep.spec.maxFailedTrials)
    return { status: 'failed', error: `${failed} trials failed, more than maxFailedTrials (${sweep.spec.maxFailedTrials})` };
  if (sweep.trials.some((t) => t.status === 'pending' || isActive(t))) return { status: 'running' };
  if (sweep.trials.every((t) => t.best === undefined)) return { status: 'failed', error: `no trial recorded ${sweep.spec.metric}` };
  return { status: 'succeeded' };
}
