import type { SweepRecord } from '@tusk/contracts';
import { useState } from 'preact/hooks';
import { api } from '../api/client.js';
import { Elapsed, ErrorNote, StatusBadge } from '../components/status-badge.js';
import { metric, time } from '../format.js';
import { bestTrialOf, trialsDone, trialsTotal } from '../sweeps.js';
import { Leaderboard } from './sweep/leaderboard.js';
import { useLiveSweep } from './sweep/live-sweep.js';
import { SweepChart } from './sweep/sweep-chart.js';

const samplerText = (s: SweepRecord['spec']['sampler']) => (s.type === 'random' ? `random (seed ${s.seed})` : 'grid');
const schedulerText = (s: SweepRecord['spec']['scheduler']) =>
  s.type === 'asha'
    ? `ASHA: grace period ${s.gracePeriod}, reduction factor ${s.reductionFactor}, at most ${s.maxRounds} rounds`
    : 'none (every trial runs to the end)';

/** One sweep: the leaderboard, every trial's metric curve on one chart, the spec, and a cancel button. */
export function SweepPage({ id }: { id: string }) {
  const { sweep, jobs, error, reload } = useLiveSweep(id);
  if (!sweep) return <section>{error ? <ErrorNote error={error} /> : <p class="muted">Loading {id}…</p>}</section>;
  const best = bestTrialOf(sweep);
  const { baseJob, ...spec } = sweep.spec;
  return (
    <section data-sweep-id={sweep.id}>
      <div class="page-head">
        <h1>
          {sweep.spec.name} <StatusBadge status={sweep.status} />
        </h1>
        <CancelSweep sweep={sweep} onChange={reload} />
      </div>
      <ErrorNote error={sweep.error ? `${sweep.status}: ${sweep.error}` : null} />
      <dl class="facts">
        <dt>Id</dt>
        <dd class="mono">{sweep.id}</dd>
        <dt>Metric</dt>
        <dd>
          {sweep.spec.metric} ({sweep.spec.mode === 'max' ? 'maximised' : 'minimised'})
        </dd>
        <dt>Trials</dt>
        <dd data-testid="trials-done">
          {trialsDone(sweep)}/{trialsTotal(sweep)} done, at most {sweep.spec.maxConcurrentTrials} at once
        </dd>
        <dt>Best</dt>
        <dd>
          {best ? (
            <>
              trial {best.index}: {metric(best.best)}
              {best.jobId && (
                <>
                  {' '}
                  · <a href={`#/jobs/${best.jobId}`}>{best.jobId}</a>
                </>
              )}
            </>
          ) : (
            '—'
          )}
        </dd>
        <dt>Sampler</dt>
        <dd>{samplerText(sweep.spec.sampler)}</dd>
        <dt>Scheduler</dt>
        <dd>{schedulerText(sweep.spec.scheduler)}</dd>
        <dt>Created</dt>
        <dd>{time(sweep.createdAt)}</dd>
        <dt>Duration</dt>
        <dd>
          <Elapsed start={sweep.createdAt} end={sweep.finishedAt} />
        </dd>
      </dl>
      <h2>Curves</h2>
      <SweepChart sweep={sweep} jobs={jobs} />
      <h2>Leaderboard</h2>
      <ErrorNote error={error ? `live updates: ${error.message} (retrying)` : null} />
      <Leaderboard sweep={sweep} />
      <div class="columns">
        <div>
          <h2>Search space</h2>
          <pre class="mono spec" data-testid="sweep-spec">
            {JSON.stringify(spec, null, 2)}
          </pre>
        </div>
        <div>
          <h2>Base job</h2>
          <pre class="mono spec">{JSON.stringify(baseJob, null, 2)}</pre>
        </div>
      </div>
    </section>
  );
}

function CancelSweep({ sweep, onChange }: { sweep: SweepRecord; onChange: () => void }) {
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const cancel = async () => {
    if (!confirm(`Cancel ${sweep.spec.name} and every trial still running?`)) return;
    setBusy(true);
    setError(null);
    try {
      await api.cancelSweep(sweep.id);
      onChange();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="actions">
      <button class="danger" disabled={sweep.status !== 'running' || busy} onClick={cancel}>
        Cancel sweep
      </button>
      <ErrorNote error={error} />
    </div>
  );
}
