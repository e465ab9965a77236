/**
 * Headers of a push request on `tusk.ps.<job>.push`; the body is the raw float32 delta (or empty with a blob key).
 * A push is identified by (job, partition, task, step): the job is in the subject, the rest in headers. Every attempt
 * of a task pushes into the same stream, so a step that one attempt got applied is never applied again by another.
 */
export const PUSH_HEADERS = {
  baseVersion: 'Tusk-Base-Version',
  workerId: 'Tusk-Worker',
  /** Set when the delta was too large for one message and waits in the weights bucket under this key. */
  deltaKey: 'Tusk-Delta-Key',
  partition: 'Tusk-Partition',
  /** The task attempt (see `attemptId`): names the push's delta blob, which attempts running at once must not share. */
  attempt: 'Tusk-Attempt',
  /** The task, the same for each of its attempts (see `pushTaskId`). */
  task: 'Tusk-Task',
  /** `pushStep` of the step's place in the task; a retried push repeats its step. */
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

/** A task's id in its pushes: `<round>-<run>` (the partition is a header of its own). */
export const pushTaskId = ({ round, run }: { round: number; run?: number }): string => `${round}-${run ?? 0}`;
export const PUSH_TASK_PATTERN = /^\d{1,9}-\d{1,9}$/;

/**
 * The pushes of one task, over all its attempts: they arrive in step order, since a worker waits for each reply and
 * an attempt goes on from the step the ledger holds (see `resumePoint`).
 */
export const pushStreamKey = ({ partition, task }: { partition: number; task: string }): string => `${partition}/${task}`;

/** Times one step's delta is recomputed from fresher weights after being refused as too stale, before the step is given up. */
export const STALE_RETRIES = 3;

/** The step header of try `retry` (0..STALE_RETRIES) of the task's step `index` (counted over all its epochs): increasing in both. */
export const pushStep = ({ index, retry }: { index: number; retry: number }): number => index * (STALE_RETRIES + 1) + retry;

/**
 * Where an attempt of a task goes on, given what the ledger holds for the task's stream: the step after the last one
 * done (applied, or refused on its last try), else the next try of the last one; the start when nothing was pushed.
 */
export function resumePoint(entry: AppliedPushes | undefined): { index: number; retry: number } {
  if (!entry) return { index: 0, retry: 0 };
  const index = Math.floor(entry.step / (STALE_RETRIES + 1));
  const retry = entry.step % (STALE_RETRIES + 1);
  return entry.reply.accepted || retry >= STALE_RETRIES ? { index: index + 1, retry: 0 } : { index, retry: retry + 1 };
}

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

/** What the parameter server applied for one push stream (a task's pushes), kept in the head with the version. */
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
