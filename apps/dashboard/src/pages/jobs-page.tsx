import type { JobSummary } from '@tusk/contracts';
import { api } from '../api/client.js';
import { ErrorNote, ProgressBar, StatusBadge } from '../components/status-badge.js';
import { duration, elapsed, metric, time } from '../format.js';
import { useNow, usePoll } from '../hooks.js';

const METRIC_COLUMNS = ['loss', 'accuracy', 'val_loss', 'val_accuracy'];

/** Every job, refreshed every 2 s from `GET /jobs?view=summary` (no histories, so it stays light). */
export function JobsPage() {
  const { value: jobs, error } = usePoll(api.jobs, 2000);
  const now = useNow();
  const rows = [...(jobs ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const shown = METRIC_COLUMNS.filter((m) => rows.some((j) => m in j.lastMetrics));
  return (
    <section>
      <div class="page-head">
        <h1>Jobs</h1>
        <a class="button" href="#/new">
          New job
        </a>
      </div>
      <ErrorNote error={error} />
      {jobs && rows.length === 0 && <p class="muted">No jobs yet. Upload a dataset and submit one.</p>}
      {rows.length > 0 && (
        <table class="table" data-testid="jobs-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Mode</th>
              <th>Status</th>
              <th>Progress</th>
              <th>Round</th>
              {shown.map((m) => (
                <th key={m}>{m}</th>
              ))}
              <th>Started</th>
              <th>Duration</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((job) => (
              <JobRow key={job.id} job={job} metrics={shown} now={now} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function JobRow({ job, metrics, now }: { job: JobSummary; metrics: string[]; now: number }) {
  const running = job.status === 'running';
  return (
    <tr data-job-id={job.id}>
      <td>
        <a href={`#/jobs/${job.id}`}>{job.name}</a>
      </td>
      <td>{job.mode}</td>
      <td>
        <StatusBadge status={job.status} />
        {job.stoppedEarly && <span class="muted"> stopped early</span>}
      </td>
      <td>
        <ProgressBar
          value={job.progress}
          label={running && job.etaSeconds !== null ? `${Math.round(job.progress * 100)}% · ETA ${duration(job.etaSeconds)}` : undefined}
        />
      </td>
      <td>
        {job.round}/{job.totalRounds}
      </td>
      {metrics.map((m) => (
        <td key={m} class="num">
          {metric(job.lastMetrics[m])}
        </td>
      ))}
      <td>{time(job.startedAt)}</td>
      <td>{duration(elapsed(job.startedAt, job.finishedAt, now))}</td>
    </tr>
  );
}
