import type { Logger } from '@nestjs/common';
import type { JobLogContext } from '@tusk/config';
import { isTransientError } from '@tusk/infra';
import pRetry, { type Options } from 'p-retry';

/** 1 s, 2 s, 4 s… up to 10 s between attempts. */
const BACKOFF: Options = { retries: Infinity, minTimeout: 1_000, factor: 2, maxTimeout: 10_000, randomize: false };

/** Runs `step`, retrying while NATS or S3 is unreachable, for at most `limitS` seconds; retries are logged to `job`'s log. */
export async function outlastOutages<T>({
  what,
  job,
  limitS,
  signal,
  logger,
  step,
}: {
  what: string;
  job: JobLogContext;
  limitS: number;
  signal: AbortSignal;
  logger: Logger;
  step: () => Promise<T>;
}): Promise<T> {
  try {
    return await pRetry(step, {
      ...BACKOFF,
      signal,
      maxRetryTime: limitS * 1000,
      shouldRetry: ({ error }) => isTransientError(error),
      onFailedAttempt: ({ error, attemptNumber }) => logger.warn(`${what}: ${error.message}; retrying (attempt ${attemptNumber})`, job),
    });
  } catch (err) {
    // A transient error that comes out was the last one allowed: the outage outlasted TUSK_OUTAGE_LIMIT_S.
    if (isTransientError(err) && !signal.aborted)
      throw new Error(`NATS or S3 stayed unreachable for more than ${limitS} s (TUSK_OUTAGE_LIMIT_S): ${(err as Error).message}`, {
        cause: err,
      });
    throw err;
  }
}

/** Runs `step` until it succeeds or `signal` aborts: for writes that must land however long an outage lasts (a job's final status). */
export async function untilDone({
  what,
  job,
  signal,
  logger,
  step,
}: {
  what: string;
  job: JobLogContext;
  signal: AbortSignal;
  logger: Logger;
  step: () => Promise<void>;
}): Promise<void> {
  await pRetry(step, {
    ...BACKOFF,
    signal,
    onFailedAttempt: ({ error, attemptNumber }) => logger.warn(`${what}: ${error.message}; retrying (attempt ${attemptNumber})`, job),
  }).catch((err) => {
    if (!signal.aborted) throw err;
  });
}
