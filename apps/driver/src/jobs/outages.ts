import type { Logger } from '@nestjs/common';
import type { JobLogContext } from '@tusk/config';
import { isTransientError } from '@tusk/infra';

const backoffMs = (attempt: number) => Math.min(10_000, 500 * 2 ** Math.min(attempt, 5));
const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
});

/** Runs `step`, retrying while NATS or S3 is unreachable, for at most `limitS` seconds; retries are logged to `job`'s log. */
export async function outlastOutages<T>({ what, job, limitS, signal, logger, step }: { what: string; job: JobLogContext; limitS: number; signal: AbortSignal; logger: Logger; step: () => Promise<T> }): Promise<T> {
  const deadline = Date.now() + limitS * 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (err) {
      if (!isTransientError(err) || signal.aborted) throw err;
      if (Date.now() >= deadline) throw new Error(`NATS or S3 stayed unreachable for more than ${limitS} s (TUSK_OUTAGE_LIMIT_S): ${(err as Error).message}`);
      logger.warn(`${what}: ${(err as Error).message}; retrying (attempt ${attempt})`, job);
      await sleep(backoffMs(attempt), signal);
    }
  }
}

/** Runs `step` until it succeeds or `signal` aborts: for writes that must land however long an outage lasts (a job's final status). */
export async function untilDone({ what, job, signal, logger, step }: { what: string; job: JobLogContext; signal: AbortSignal; logger: Logger; step: () => Promise<void> }): Promise<void> {
  for (let attempt = 1; !signal.aborted; attempt++) {
    try {
      return await step();
    } catch (err) {
      logger.warn(`${what}: ${(err as Error).message}; retrying (attempt ${attempt})`, job);
      await sleep(backoffMs(attempt), signal);
    }
  }
}
