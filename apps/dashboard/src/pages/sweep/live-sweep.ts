import type { JobRecord, SweepRecord, TrialRecord } from '@tusk/contracts';
import { isFinalSweepStatus } from '@tusk/client';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../../api/client.js';
import { followSweepEvents } from '../../api/job-stream.js';
import { keepFollowing } from '../../api/keep-following.js';
import { trialsToFetch } from '../../sweeps.js';

export interface LiveSweep {
  sweep: SweepRecord | null;
  /** Each trial's job (by trial index), re-read when its rounds or status change. */
  jobs: Map<number, JobRecord>;
  error: Error | null;
  reload: () => void;
}

/**
 * The sweep, kept current by its event stream (each event carries the whole leaderboard), and its trials'
 * jobs, re-read whenever a trial's job, rounds run or status changes. A dropped stream reloads everything.
 */
export function useLiveSweep(id: string): LiveSweep {
  const [sweep, setSweep] = useState<SweepRecord | null>(null);
  const [jobs, setJobs] = useState<Map<number, JobRecord>>(new Map());
  const [error, setError] = useState<Error | null>(null);
  const [generation, setGeneration] = useState(0);
  /** The leaderboard the jobs were last read for. */
  const seen = useRef<TrialRecord[] | undefined>(undefined);

  useEffect(() => {
    const abort = new AbortController();
    seen.current = undefined;
    const fetchJobs = (trials: TrialRecord[]) => {
      for (const trial of trialsToFetch(seen.current, trials)) {
        api.job(trial.jobId!).then(
          (job) => {
            if (abort.signal.aborted) return;
            // An answer overtaken by a newer one keeps the newer (longer history or a later update).
            setJobs((current) => {
              const old = current.get(trial.index);
              if (old && old.id === job.id && (old.history.length > job.history.length || old.updatedAt > job.updatedAt)) return current;
              return new Map(current).set(trial.index, job);
            });
          },
          () => undefined,
        );
      }
      seen.current = trials;
    };
    const show = (record: SweepRecord) => {
      setSweep(record);
      fetchJobs(record.trials);
    };
    const cancelPause = keepFollowing({
      signal: abort.signal,
      load: () => api.sweep(id),
      isFinal: (record) => isFinalSweepStatus(record.status),
      show,
      follow: () => followSweepEvents(id, (event) => !abort.signal.aborted && show(event.sweep), abort.signal),
      onError: setError,
      again: () => setGeneration((g) => g + 1),
    });
    return () => {
      abort.abort();
      cancelPause();
    };
  }, [id, generation]);

  return { sweep, jobs, error, reload: () => setGeneration((g) => g + 1) };
}
