import type { JobRecord, SweepRecord } from '@tusk/contracts';
import { useMemo } from 'preact/hooks';
import { colorOf, LineChart } from '../../charts/line-chart.js';
import { sweepCurves } from '../../sweeps.js';

/** Every trial's metric per round on one chart, one series per trial, from the trials' job histories. */
export function SweepChart({ sweep, jobs }: { sweep: SweepRecord; jobs: Map<number, JobRecord> }) {
  const { metric } = sweep.spec;
  const curves = useMemo(() => {
    const histories = new Map([...jobs].map(([index, job]) => [index, job.history]));
    return sweepCurves(sweep.trials, histories, metric);
  }, [sweep.trials, jobs, metric]);
  const values = curves.series.reduce((n, s) => n + s.values.filter((v) => v !== null).length, 0);
  if (values === 0)
    return (
      <p class="muted" data-testid="no-curves">
        Curves appear after a trial's first round.
      </p>
    );
  return (
    <div data-testid="sweep-chart" data-series={curves.series.length} data-values={values}>
      <LineChart
        title={`${metric} per round (${sweep.spec.mode === 'max' ? 'higher' : 'lower'} is better)`}
        x={curves.x}
        xLabel="round"
        height={320}
        series={curves.series.map((s) => ({ label: `trial ${s.index}`, color: colorOf(s.index), values: s.values }))}
      />
    </div>
  );
}
