import { Elapsed, ErrorNote, ProgressBar, StatusBadge } from '../components/status-badge.js';
import { duration, time } from '../format.js';
import { EventList } from './job/event-list.js';
import { EvaluatePanel, JobActions } from './job/job-actions.js';
import { JobLogs } from './job/job-logs.js';
import { useLiveJob } from './job/live-job.js';
import { MetricCharts } from './job/metric-charts.js';
import { ModelSummary } from './job/model-summary.js';
import { PushStatsPanel } from './job/push-stats.js';
import { WorkerThroughput } from './job/worker-charts.js';

/** One job: live curves, workers and stragglers, push statistics, model, spec, events, logs and actions. */
export function JobPage({ id }: { id: string }) {
  const { job, events, error, reload } = useLiveJob(id);
  if (!job) return <section>{error ? <ErrorNote error={error} /> : <p class="muted">Loading {id}…</p>}</section>;
  const { model, ...spec } = job.spec;
  const synchronous = job.spec.training.mode === 'synchronous';
  return (
    <section data-job-id={job.id}>
      <div class="page-head">
        <h1>
          {job.spec.name} <StatusBadge status={job.status} />
        </h1>
        <JobActions job={job} onChange={reload} />
      </div>
      <ErrorNote error={job.error ? `${job.status}: ${job.error}` : null} />
      <dl class="facts">
        <dt>Id</dt>
        <dd class="mono">{job.id}</dd>
        {job.sweepId && (
          <>
            <dt>Sweep</dt>
            <dd>
              <a href={`#/sweeps/${job.sweepId}`} data-testid="sweep-link">
                {job.sweepId}
              </a>
            </dd>
          </>
        )}
        <dt>Mode</dt>
        <dd>{job.spec.training.mode}</dd>
        <dt>Progress</dt>
        <dd>
          <ProgressBar value={job.progress} /> round {job.round}/{job.totalRounds}
          {job.status === 'running' && job.etaSeconds !== null ? ` · ETA ${duration(job.etaSeconds)}` : ''}
          {job.stoppedEarly ? ` · stopped early: the model is round ${job.bestRound}'s` : ''}
        </dd>
        <dt>Started</dt>
        <dd>{time(job.startedAt)}</dd>
        <dt>Duration</dt>
        <dd>
          <Elapsed start={job.startedAt} end={job.finishedAt} />
        </dd>
        <dt>Backends</dt>
        <dd>{job.backends.join(', ') || '—'}</dd>
      </dl>
      <h2>Metrics</h2>
      <MetricCharts job={job} />
      <h2>Workers</h2>
      <WorkerThroughput job={job} />
      {!synchronous && (
        <>
          <h2>Pushes</h2>
          <PushStatsPanel job={job} />
        </>
      )}
      <h2>Evaluate</h2>
      <EvaluatePanel job={job} />
      <div class="columns">
        <div>
          <h2>Model</h2>
          <ModelSummary job={{ ...job, spec: { ...spec, model } }} />
        </div>
        <div>
          <h2>Spec</h2>
          <pre class="mono spec" data-testid="spec">
            {JSON.stringify(spec, null, 2)}
          </pre>
        </div>
      </div>
      <h2>Events</h2>
      <ErrorNote error={error ? `live updates: ${error.message} (retrying)` : null} />
      <EventList events={events} />
      <h2>Logs</h2>
      <JobLogs jobId={job.id} status={job.status} />
    </section>
  );
}
