import { TuskApiError } from './errors.js';
import { readSse } from './sse.js';

export interface FollowOptions {
  /** True once the followed job or sweep is final. */
  ended: () => boolean;
  /** Opens the server-sent event stream (a 2xx response). */
  open: (signal: AbortSignal) => Promise<Response>;
  onEvent: (event: unknown) => void;
  /**
   * Reads the record every `pollMs` next to the stream: true when it is final (an event published while the stream opened
   * could be missed).
   */
  poll: () => Promise<boolean>;
  pollMs: number;
  /** After the stream ended short of the end: re-read the record (and show it). */
  recheck: () => Promise<void>;
  /** Stops following (the promise then rejects with the signal's reason). */
  signal?: AbortSignal;
  /** Pause before re-opening a stream that closed or broke; 1 s by default. */
  reopenMs?: number;
  /** Failures to open or read the stream in a row that end the follow; 5 by default. */
  maxFailures?: number;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });

/**
 * Follows an event stream until `ended()`, re-opening it when it closes or breaks, with the record polled
 * as a safety net next to it. A refusal (TuskApiError) ends the follow at once; other failures (a dropped
 * connection, the driver restarting) are retried, and `maxFailures` of them in a row end it.
 */
export async function followEvents({
  ended,
  open,
  onEvent,
  poll,
  pollMs,
  recheck,
  signal,
  reopenMs = 1_000,
  maxFailures = 5,
}: FollowOptions): Promise<void> {
  let failures = 0;
  const stopped = () => signal?.aborted === true;
  while (!ended() && !stopped()) {
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let polling = false;
    const timer = setInterval(() => {
      if (polling) return;
      polling = true;
      poll()
        .then(
          (final) => {
            if (final) stop.abort();
          },
          () => undefined,
        )
        .finally(() => {
          polling = false;
        });
    }, pollMs);
    try {
      const res = await open(stop.signal);
      failures = 0;
      if (!res.body) throw new Error('the event stream has no body');
      for await (const event of readSse(res.body)) {
        onEvent(event);
        if (ended()) break;
      }
    } catch (err) {
      if (err instanceof TuskApiError) throw err;
      if (!stop.signal.aborted && ++failures >= maxFailures) throw err;
    } finally {
      clearInterval(timer);
      signal?.removeEventListener('abort', onAbort);
      stop.abort();
    }
    if (stopped()) break;
    if (!ended()) {
      // The driver may be away for a moment: a re-check that cannot reach it waits for the next round.
      await recheck().catch((err: unknown) => {
        if (err instanceof TuskApiError) throw err;
      });
      if (!ended()) await sleep(reopenMs, signal); // the stream closed or broke while it runs: re-open it
    }
  }
  if (stopped()) throw signal?.reason ?? new Error('stopped following');
}
