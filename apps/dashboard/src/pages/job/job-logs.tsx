import { isFinalStatus } from '@tusk/client';
import type { JobStatus } from '@tusk/contracts';
import { api } from '../../api/client.js';
import { ErrorNote } from '../../components/status-badge.js';
import { usePoll } from '../../hooks.js';

/** The last lines the driver, the parameter server and the workers logged about this job. */
export function JobLogs({ jobId, status }: { jobId: string; status: JobStatus }) {
  const everyMs = isFinalStatus(status) ? 60_000 : 3000;
  const { value: lines, error } = usePoll(() => api.jobLogs(jobId, 200), everyMs, [jobId, everyMs]);
  if (error) return <ErrorNote error={`logs: ${error.message}`} />;
  if (!lines) return null;
  if (lines.length === 0) return <p class="muted">No log lines about this job yet.</p>;
  return (
    <pre class="logs" data-testid="job-logs">
      {lines.map((l, i) => (
        <div key={i} class={`log-${l.level}`}>
          {l.at.slice(11, 23)} {l.level.toUpperCase().padEnd(5)} {l.instance}
          {l.round !== undefined ? ` r${l.round}` : ''}
          {l.partition !== undefined ? ` p${l.partition}` : ''} {l.context ? `[${l.context}] ` : ''}
          {l.message}
        </div>
      ))}
    </pre>
  );
}
