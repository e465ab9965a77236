export interface BackoffPolicy {
  /** Wait before the first restart. */
  initialMs: number;
  /** Longest wait: each crash in a row doubles it up to this. */
  maxMs: number;
  /** A run at least this long counts as healthy: the next crash waits initialMs again. */
  resetAfterMs: number;
}

/** compose-like: 1 s, 2 s, 4 s … capped at 30 s, back to 1 s once a run lasted a minute. */
export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1_000, maxMs: 30_000, resetAfterMs: 60_000 };

/** The wait before each restart of one service, growing while it keeps crashing soon after starting. */
export class RestartBackoff {
  private crashesInARow = 0;

  constructor(private readonly policy: BackoffPolicy = DEFAULT_BACKOFF) {}

  /** The wait before the next start, given how long the run that just ended lasted. */
  next({ upMs }: { upMs: number }): number {
    if (upMs >= this.policy.resetAfterMs) this.crashesInARow = 0;
    const delay = Math.min(this.policy.initialMs * 2 ** this.crashesInARow, this.policy.maxMs);
    this.crashesInARow++;
    return delay;
  }
}
