import type { JobEvent, SweepEvent } from '@tusk/contracts';
import { refusal } from './client.js';
import { authHeaders } from './token.js';

/**
 * Follows `GET /jobs/:id/events` (server-sent events) with fetch, since an EventSource cannot send the
 * Authorization header. Resolves when the stream ends; rejects when the request is refused or aborted.
 */
export function followJobEvents(jobId: string, onEvent: (event: JobEvent) => void, signal: AbortSignal): Promise<void> {
  return followEvents(`/jobs/${jobId}/events`, onEvent, signal);
}

/** Follows `GET /sweeps/:id/events`: the whole leaderboard at each change; the stream ends with the sweep. */
export function followSweepEvents(sweepId: string, onEvent: (event: SweepEvent) => void, signal: AbortSignal): Promise<void> {
  return followEvents(`/sweeps/${sweepId}/events`, onEvent, signal);
}

/** Any of the driver's event streams: each `data:` payload parsed as JSON. */
export async function followEvents<T>(path: string, onEvent: (event: T) => void, signal: AbortSignal): Promise<void> {
  const res = await fetch(path, { headers: authHeaders({ Accept: 'text/event-stream' }), signal });
  if (!res.ok || !res.body) throw await refusal(res);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    const blocks = buffer.split(/\r?\n\r?\n/);
    buffer = blocks.pop() ?? '';
    for (const block of blocks) {
      const data = dataOf(block);
      if (data) onEvent(JSON.parse(data) as T);
    }
  }
}

/** The `data:` lines of one SSE block, joined as the spec says. */
export function dataOf(block: string): string {
  return block
    .split(/\r?\n/)
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice(5).replace(/^ /, ''))
    .join('\n');
}
