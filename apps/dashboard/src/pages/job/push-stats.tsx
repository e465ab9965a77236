import type { JobRecord } from '@tusk/contracts';
import { useMemo } from 'preact/hooks';
import { LineChart } from '../../charts/line-chart.js';

/** Asynchronous and hogwild: what the parameter server did with the pushes, and their staleness by version. */
export function PushStatsPanel({ job }: { job: JobRecord }) {
  const stats = job.pushStats;
  const points = useMemo(() => [...(job.versions ?? [])].sort((a, b) => a.version - b.version), [job.versions]);
  const chart = useMemo(
    () => ({
      x: points.map((p) => p.version),
      series: [
        { label: 'staleness', color: '#2563eb', values: points.map((p) => p.staleness) },
        {
          label: 'rejected',
          color: '#dc2626',
          values: points.map((p) => (p.outcome === 'rejected' ? p.staleness : null)),
          pointsOnly: true,
        },
      ],
    }),
    [points],
  );
  const counted = { applied: 0, scaled: 0, rejected: 0 };
  for (const p of points) counted[p.outcome]++;
  return (
    <>
      <dl class="facts" data-testid="push-stats">
        <dt>Version</dt>
        <dd>{stats?.version ?? points.at(-1)?.version ?? 0}</dd>
        <dt>Pushes applied</dt>
        <dd>{stats?.pushes ?? counted.applied + counted.scaled}</dd>
        <dt>Stale</dt>
        <dd>{stats?.stale ?? '—'}</dd>
        <dt>Scaled</dt>
        <dd>{stats?.scaled ?? counted.scaled}</dd>
        <dt>Rejected</dt>
        <dd>{stats?.rejected ?? counted.rejected}</dd>
        <dt>Duplicates answered</dt>
        <dd>{stats?.duplicates ?? 0}</dd>
        <dt>Busy answers</dt>
        <dd>{stats?.busy ?? 0}</dd>
      </dl>
      {points.length > 0 && (
        <LineChart testId="chart-staleness" title="staleness per push (● rejected)" x={chart.x} xLabel="version" series={chart.series} />
      )}
    </>
  );
}
