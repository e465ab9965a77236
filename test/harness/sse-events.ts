import type { JobEvent } from '@tusk/contracts';
import { SseParser } from '../../apps/cli/src/sse.js';

/** Reads `GET /jobs/:id/events` over HTTP until the stream ends (the job ended) or `signal` aborts; resolves with every event. */
export async function collectJobEvents({ driverUrl, jobId, signal }: { driverUrl: string; jobId: string; signal?: AbortSignal }): Promise<JobEvent[]> {
  const res = await fetch(`${driverUrl}/jobs/${jobId}/events`, { headers: { accept: 'text/event-stream' }, signal });
  if (!res.ok || !res.body) throw new Error(`events of job ${jobId}: ${res.status}`);
  const events: JobEvent[] = [];
  const parser = new SseParser();
  const decoder = new TextDecoder();
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      const parsed = done ? parser.end() : parser.push(decoder.decode(value, { stream: true }));
      events.push(...(parsed as JobEvent[]));
      if (done) return events;
    }
  } catch (err) {
    if (signal?.aborted) return events;
    throw err;
  }
}
