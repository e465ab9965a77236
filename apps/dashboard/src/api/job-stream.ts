import type { JobEvent, SweepEvent } from '@tusk/contracts';
import { client } from './client.js';

/**
 * Follows `GET /jobs/:id/events` through the SDK (fetch, since an EventSource cannot send the Authorization
 * header). Resolves when the stream ends; rejects when the request is refused or aborted.
 */
export async function followJobEvents(jobId: string, onEvent: (event: JobEvent) => void, signal: AbortSignal): Promise<void> {
  for await (const event of client.jobEvents(jobId, signal)) onEvent(event);
}

/** Follows `GET /sweeps/:id/events`: the whole leaderboard at each change; the stream ends with the sweep. */
export async function followSweepEvents(sweepId: string, onEvent: (event: SweepEvent) => void, signal: AbortSignal): Promise<void> {
  for await (const event of client.sweepEvents(sweepId, signal)) onEvent(event);
}
