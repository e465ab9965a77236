import { setImmediate } from 'node:timers/promises';

/** A check to call between batches: yields to the event loop once `everyMs` has passed since the last yield. */
export function yieldEvery(everyMs: number): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < everyMs) return;
    // setImmediate, not a resolved promise: timers and socket I/O (heartbeats, ack extensions) run only on a real turn.
    await setImmediate();
    last = performance.now();
  };
}
