import type { JobRecord } from '@tusk/contracts';
import { colorOf, LineChart } from '../../charts/line-chart.js';
import { metric } from '../../format.js';
import { STRAGGLER_SHARE, stragglersOf, throughputOf } from '../../stats.js';

/** Samples/s of every worker in every round, stragglers marked, and the newest round's workers as a table. */
export function WorkerThroughput({ job }: { job: JobRecord }) {
  if (job.history.length === 0) return null;
  const t = throughputOf(job.history);
  const latest = job.history.at(-1)!;
  const slow = stragglersOf(latest);
  const timesSlow = new Map<string, number>();
  for (const round of job.history) for (const id of stragglersOf(round)) timesSlow.set(id, (timesSlow.get(id) ?? 0) + 1);
  return (
    <>
      {job.history.length > 1 && (
        <LineChart
          testId="chart-throughput"
          title="samples/s per worker (● straggler)"
          x={t.x}
          xLabel="round"
          legend={t.workers.length <= 12}
          series={[
            ...t.workers.map((id, i) => ({ label: id, color: colorOf(i), values: t.columns[i] })),
            { label: 'straggler', color: '#dc2626', values: t.stragglers, pointsOnly: true },
          ]}
        />
      )}
      <h3>Round {latest.round}: workers</h3>
      <p class="muted">A straggler runs below {Math.round(STRAGGLER_SHARE * 100)}% of the round's median samples/s.</p>
      <table class="table" data-testid="round-workers">
        <thead>
          <tr><th>Worker</th><th>Partition</th><th>Samples</th><th>Seconds</th><th>Samples/s</th><th>Backend</th><th>Rounds as straggler</th></tr>
        </thead>
        <tbody>
          {[...latest.workers].sort((a, b) => a.partition - b.partition).map((w) => (
            <tr key={w.partition} class={slow.has(w.workerId) ? 'straggler' : ''}>
              <td>{w.workerId}{slow.has(w.workerId) && <span class="badge status-failed">straggler</span>}</td>
              <td>{w.partition}</td>
              <td class="num">{w.samples}</td>
              <td class="num">{metric(w.seconds)}</td>
              <td class="num">{Math.round(w.samplesPerSecond)}</td>
              <td>{w.backend}</td>
              <td class="num">{timesSlow.get(w.workerId) ?? 0}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
