/**
 * Headers of a push request on `tusk.ps.<job>.push`; the body is the raw float32 delta (or empty with a blob key).
 * A push is identified by (job, partition, attempt, step): the job is in the subject, the rest in headers.
 */
export const PUSH_HEADERS = {
  baseVersion: 'Tusk-Base-Version',
  workerId: 'Tusk-Worker',
  /** Set when the delta was too large for one message and waits in the weights bucket under this key. */
  deltaKey: 'Tusk-Delta-Key',
  partition: 'Tusk-Partition',
  /** The task attempt (see `attemptId`): a redelivered task pushes under a new attempt. */
  attempt: 'Tusk-Attempt',
  /** 0, 1, 2... within one attempt; a retried push repeats its step. */
  step: 'Tusk-Step',
  /** The worker's training metrics over the steps since its previous push, as `loss=0.41,accuracy=0.88` (see formatPushMetrics). */
  metrics: 'Tusk-Metrics',
} as const;

/** What the parameter server keeps of a push's metrics header; anything beyond is dropped, never refused. */
export const PUSH_METRICS_LIMITS = { maxMetrics: 8, maxNameLength: 32, maxHeaderLength: 512 } as const;

/** The metrics header value: finite values only, 6 significant digits (a curve needs no more, and each push stays a few bytes larger). */
export function formatPushMetrics(metrics: Record<string, number>): string {
  return Object.entries(metrics)
    .filter(([, value]) => Number.isFinite(value))
    .map(([name, value]) => `${name}=${Number(value.toPrecision(6))}`)
    .join(',');
}

/** The pushes of one task attempt: they arrive in step order, since a worker waits for each reply. */
export const pushStreamKey = ({ partition, attempt }: { partition: number; attempt: string }): string => `${partition}/${attempt}`;

/** The parameter server's answer to a push. */
export interface PushReply {
  accepted: boolean;
  /** The newest weights version after this push (or now, if rejected). */
  version: number;
  staleness: number;
  /** Multiplier the delta was applied with (1 unless scaled down for staleness). */
  scale: number;
  /**
   * This push id was seen before and nothing was applied again: for the stream's last step the reply is
   * the original one; for an older step (a late copy nobody waits for) it is `accepted: false`.
   */
  duplicate?: boolean;
  /** The job's push queue is full: nothing was applied; back off and send the same push again. */
  busy?: boolean;
  /** With `error`: the parameter server failed before it could answer (KV unreachable, say); sending the same push again is safe. */
  retryable?: boolean;
  /** The push was refused (malformed, or the parameter server failed, see `retryable`). */
  error?: string;
}

/** What the parameter server applied for one push stream (task attempt), kept in the head with the version. */
export interface AppliedPushes {
  /** The last step answered (accepted or rejected as stale). */
  step: number;
  /** How many of the stream's pushes moved the weights. */
  applied: number;
  /** The reply to `step`, sent again when that step arrives again. */
  reply: PushReply;
}

/** `h.<job>`: which weights version is the newest, for asynchronous and hogwild jobs. */
export interface WeightsHead {
  version: number;
  /** Blob key of that version: unique per writer, so a writer that loses the race never touches the winner's blob. */
  key: string;
  /** Push streams by `pushStreamKey`, written in the same compare-and-set as the version they led to. */
  ledger?: Record<string, AppliedPushes>;
  /** Set (with compare-and-set) by the driver once every partition finished: this version is final, no push lands after it. */
  closed?: boolean;
}
