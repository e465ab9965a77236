import type { JobRecord, SweepRecord, TrialRecord } from '@tusk/contracts';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../../api/client.js';
import { followSweepEvents } from '../../api/job-stream.js';
import { trialsToFetch } from '../../sweeps.js';

const RECONNECT_MS = 2000;

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
    let timer: ReturnType<typeof setTimeout> | undefined;
    seen.current = undefined;
    const fetchJobs = (trials: TrialRecord[]) => {
      for (const trial of trialsToFetch(seen.current, trials)) {
        api.job(trial.jobId!).then((job) => {
          if (abort.signal.aborted) return;
          // An answer overtaken by a newer one keeps the newer (longer history or a later update).
          setJobs((current) => {
            const old = current.get(trial.index);
            if (old && old.id === job.id && (old.history.length > job.history.length || old.updatedAt > job.updatedAt)) return current;
            return new Map(current).set(trial.index, job);
          });
        }, () => undefined);
      }
      seen.current = trials;
    };
    const show = (record: SweepRecord) => {
      setSweep(record);
      fetchJobs(record.trials);
    };
    const run = async () => {
      try {
        const record = await api.sweep(id);
        if (abort.signal.aborted) return;
        show(record);
        setError(null);
        if (record.status !== 'running') return;
        await followSweepEvents(id, (event) => !abort.signal.aborted && show(event.sweep), abort.signal);
      } catch (err) {
        if (abort.signal.aborted) return;
        setError(err as Error);
      }
      // The stream ended (sweep over, driver restarted, NATS away): re-read the record and follow again.
      if (!abort.signal.aborted) timer = setTimeout(() => setGeneration((g) => g + 1), RECONNECT_MS);
    };
    void run();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, [id, generation]);

  return { sweep, jobs, error, reload: () => setGeneration((g) => g + 1) };
}
