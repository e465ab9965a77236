import type { JobRecord } from '@tusk/contracts';
import { useMemo } from 'preact/hooks';
import { colorOf, LineChart, type LineSeries } from '../../charts/line-chart.js';
import { metric } from '../../format.js';
import { STRAGGLER_SHARE, stragglersOf, throughputBands, throughputOf } from '../../stats.js';

/** Above this many workers the chart shows the slowest, median and fastest per round instead of one line each. */
const LINES_UP_TO = 12;

/** Samples/s of every worker in every round, stragglers marked, and the newest round's workers as a table. */
export function WorkerThroughput({ job }: { job: JobRecord }) {
  // Recomputed only when a round arrives, not on every re-render of the page.
  const { t, series } = useMemo(() => {
    const t = throughputOf(job.history);
    const bands = t.workers.length > LINES_UP_TO ? throughputBands(job.history) : null;
    const perWorker: LineSeries[] = bands
      ? [
          { label: 'slowest', color: '#ea580c', values: bands.min },
          { label: 'median', color: '#2563eb', values: bands.median },
          { label: 'fastest', color: '#16a34a', values: bands.max },
        ]
      : t.workers.map((id, i) => ({ label: id, color: colorOf(i), values: t.columns[i] }));
    const series = [...perWorker, { label: 'straggler', color: '#dc2626', values: t.stragglers, pointsOnly: true }];
    return { t, series };
  }, [job.history]);
  if (job.history.length === 0) return null;
  const latest = job.history.at(-1)!;
  const slow = stragglersOf(latest);
  return (
    <>
      {job.history.length > 1 && (
        <LineChart
          testId="chart-throughput"
          title={
            t.workers.length > LINES_UP_TO ? `samples/s of ${t.workers.length} workers (● straggler)` : 'samples/s per worker (● straggler)'
          }
          x={t.x}
          xLabel="round"
          series={series}
        />
      )}
      <h3>Round {latest.round}: workers</h3>
      <p class="muted">A straggler runs below {Math.round(STRAGGLER_SHARE * 100)}% of the round's median samples/s.</p>
      <table class="table" data-testid="round-workers">
        <thead>
          <tr>
            <th>Worker</th>
            <th>Partition</th>
            <th>Samples</th>
            <th>Seconds</th>
            <th>Samples/s</th>
            <th>Backend</th>
            <th>Rounds as straggler</th>
          </tr>
        </thead>
        <tbody>
          {[...latest.workers]
            .sort((a, b) => a.partition - b.partition)
            .map((w) => (
              <tr key={w.partition} class={slow.has(w.workerId) ? 'straggler' : ''}>
                <td>
                  {w.workerId}
                  {slow.has(w.workerId) && <span class="badge status-failed">straggler</span>}
                </td>
                <td>{w.partition}</td>
                <td class="num">{w.samples}</td>
                <td class="num">{metric(w.seconds)}</td>
                <td class="num">{Math.round(w.samplesPerSecond)}</td>
                <td>{w.backend}</td>
                <td class="num">{t.timesSlow.get(w.workerId) ?? 0}</td>
              </tr>
            ))}
        </tbody>
      </table>
    </>
  );
}
