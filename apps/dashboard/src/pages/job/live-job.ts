import type { JobEvent } from '@tusk/contracts';
import { isFinalStatus } from '@tusk/client';
import { useEffect, useState } from 'preact/hooks';
import { api, type JobWithProgress } from '../../api/client.js';
import { followJobEvents } from '../../api/job-stream.js';
import { keepFollowing } from '../../api/keep-following.js';

/** How many events the page lists (a long job sends thousands). */
const EVENTS_KEPT = 200;

export interface LiveJob {
  job: JobWithProgress | null;
  events: JobEvent[];
  error: Error | null;
  reload: () => void;
}

/**
 * The job record, kept current by its event stream: round and version events are appended to the record
 * as they come; a final status, or a dropped stream, reloads the whole record.
 */
export function useLiveJob(id: string): LiveJob {
  const [job, setJob] = useState<JobWithProgress | null>(null);
  const [events, setEvents] = useState<JobEvent[]>([]);
  const [error, setError] = useState<Error | null>(null);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    const abort = new AbortController();
    const cancelPause = keepFollowing({
      signal: abort.signal,
      load: () => api.job(id),
      isFinal: (record) => isFinalStatus(record.status),
      show: setJob,
      follow: () =>
        followJobEvents(
          id,
          (event) => {
            setEvents((list) => [...list.slice(-(EVENTS_KEPT - 1)), event]);
            setJob((current) => (current ? applyEvent(current, event) : current));
            if (isFinalStatus(event.status)) void api.job(id).then((r) => !abort.signal.aborted && setJob(r));
          },
          abort.signal,
        ),
      onError: setError,
      again: () => setGeneration((g) => g + 1),
    });
    return () => {
      abort.abort();
      cancelPause();
    };
  }, [id, generation]);

  return { job, events, error, reload: () => setGeneration((g) => g + 1) };
}

/** The record after one event: new status and progress, plus the round or version point it carries. */
export function applyEvent(job: JobWithProgress, event: JobEvent): JobWithProgress {
  const next = {
    ...job,
    status: event.status,
    round: event.round,
    progress: event.progress,
    etaSeconds: event.etaSeconds,
    error: event.error ?? job.error,
  };
  if (event.type === 'round' && event.record && !job.history.some((r) => r.round === event.record!.round))
    next.history = [...job.history, event.record];
  if (event.type === 'version' && event.point) next.versions = [...(job.versions ?? []), event.point];
  return next;
}
