import type { JobEvent } from '@tusk/contracts';
import { refusal } from './client.js';
import { authHeaders } from './token.js';

/**
 * Follows `GET /jobs/:id/events` (server-sent events) with fetch, since an EventSource cannot send the
 * Authorization header. Resolves when the stream ends; rejects when the request is refused or aborted.
 */
export async function followJobEvents(jobId: string, onEvent: (event: JobEvent) => void, signal: AbortSignal): Promise<void> {
  const res = await fetch(`/jobs/${jobId}/events`, { headers: authHeaders({ Accept: 'text/event-stream' }), signal });
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
      if (data) onEvent(JSON.parse(data) as JobEvent);
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
