import { ApiError } from '../api-client.js';
import { SseParser } from '../sse.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface FollowOptions {
  /** True once the followed job or sweep is final. */
  ended: () => boolean;
  /** Opens the server-sent event stream. */
  open: (signal: AbortSignal) => Promise<Response>;
  onEvent: (event: unknown) => void;
  /** Reads the record every `pollMs` next to the stream: true when it is final (an event published while the stream opened could be missed). */
  poll: () => Promise<boolean>;
  pollMs: number;
  /** After the stream ended short of the end: re-read the record (and show it). */
  recheck: () => Promise<void>;
}

/** Follows an event stream until `ended()`, re-opening it when it closes or breaks; five failures in a row end the watch. */
export async function followEvents({ ended, open, onEvent, poll, pollMs, recheck }: FollowOptions): Promise<void> {
  let failures = 0;
  while (!ended()) {
    const stop = new AbortController();
    let polling = false;
    const timer = setInterval(() => {
      if (polling) return;
      polling = true;
      poll().then((final) => { if (final) stop.abort(); }, () => undefined).finally(() => { polling = false; });
    }, pollMs);
    try {
      const res = await open(stop.signal);
      failures = 0;
      if (!res.body) throw new Error('the event stream has no body');
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      const parser = new SseParser();
      while (!ended()) {
        const { done, value } = await reader.read();
        const events = done ? parser.end() : parser.push(decoder.decode(value, { stream: true }));
        for (const event of events) onEvent(event);
        if (done) break;
      }
    } catch (err) {
      if (err instanceof ApiError) throw err;
      if (!stop.signal.aborted && ++failures > 5) throw err;
    } finally {
      clearInterval(timer);
      stop.abort();
    }
    if (!ended()) {
      await recheck();
      if (!ended()) await sleep(1_000); // the stream closed or broke while it runs: re-open it
    }
  }
}
