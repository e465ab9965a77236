import type { EarlyStoppingSpec, JobRecord, RoundRecord } from '@tusk/contracts';

export interface EarlyStoppingState {
  /** The round with the best value so far (whose weights become the model); none before a finite value. */
  bestRound?: number;
  best?: number;
  /** Rounds since the best one. */
  wait: number;
  /** No improvement for `patience` rounds (at least one): the job stops before its next round. */
  stop: boolean;
}

/** Keras' default mode: `max` for accuracies, `min` for losses and errors. */
export const defaultEarlyStoppingMode = (metric: string): EarlyStoppingSpec['mode'] => (/acc/i.test(metric) ? 'max' : 'min');

/**
 * Keras' EarlyStopping replayed over the rounds so far: a round improves when it beats the best value by more than
 * `minDelta` (a missing or non-finite value never does). A pure function of the history, so a restarted driver
 * comes to the same decision.
 */
export function earlyStoppingState(spec: EarlyStoppingSpec, history: Pick<RoundRecord, 'round' | 'metrics'>[]): EarlyStoppingState {
  const state: EarlyStoppingState = { wait: 0, stop: false };
  for (const { round, metrics } of history) {
    const value = metrics[spec.metric];
    const improves =
      Number.isFinite(value) &&
      (state.best === undefined || (spec.mode === 'min' ? value + spec.minDelta < state.best : value - spec.minDelta > state.best));
    if (improves) Object.assign(state, { best: value, bestRound: round, wait: 0 });
    else state.wait += 1;
  }
  state.stop = state.wait > 0 && state.wait >= spec.patience;
  return state;
}

/** The weights version that is (or becomes) the job's model: the best round's with early stopping, else the newest. */
export function modelVersion(job: Pick<JobRecord, 'round' | 'bestRound'>): number {
  return job.bestRound ?? job.round;
}
