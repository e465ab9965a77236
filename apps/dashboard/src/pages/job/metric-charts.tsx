import type { JobRecord } from '@tusk/contracts';
import { useMemo } from 'preact/hooks';
import { colorOf, LineChart } from '../../charts/line-chart.js';
import { metricGroups, roundCurve, versionCurve } from '../../stats.js';

const DASHED = [6, 4];

/**
 * Loss and every metric as curves, train and validation on the same axes (validation dashed). Synchronous
 * jobs plot per round; asynchronous and hogwild jobs per weights version, from the metrics their pushes carried.
 */
export function MetricCharts({ job }: { job: JobRecord }) {
  const byVersion = job.spec.training.mode !== 'synchronous';
  // Recomputed only when a round or a version point arrives, not on every re-render of the page.
  const curve = useMemo(
    () => (byVersion ? versionCurve(job.versions ?? []) : roundCurve(job.history)),
    [byVersion, job.versions, job.history],
  );
  const groups = useMemo(() => metricGroups(curve.y.keys()), [curve]);
  if (curve.x.length === 0)
    return (
      <p class="muted" data-testid="no-curves">
        Curves appear after the first {byVersion ? 'push' : 'round'}.
      </p>
    );
  return (
    <div class="charts">
      {[...groups].map(([base, names]) => (
        <LineChart
          key={base}
          testId={`chart-${base}`}
          title={base}
          x={curve.x}
          xLabel={byVersion ? 'version' : 'round'}
          series={names.map((name, i) => ({
            label: name,
            color: colorOf(i),
            values: curve.y.get(name)!,
            dash: name.startsWith('val_') ? DASHED : undefined,
          }))}
        />
      ))}
    </div>
  );
}
