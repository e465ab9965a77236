import type { SweepRecord } from '@tusk/contracts';
import { colorOf } from '../../charts/line-chart.js';
import { StatusBadge } from '../../components/status-badge.js';
import { metric } from '../../format.js';
import { paramLabels, paramText, rankTrials } from '../../sweeps.js';

/**
 * The trials, best metric first: a column per searched parameter, the status (`stopped`: ended early by
 * ASHA), the best value and its round, rounds run and a link to the trial's job. The swatch is the
 * trial's colour on the chart.
 */
export function Leaderboard({ sweep }: { sweep: SweepRecord }) {
  const labels = paramLabels(Object.keys(sweep.spec.space));
  const rows = rankTrials(sweep.trials, sweep.spec.mode);
  return (
    <table class="table" data-testid="leaderboard">
      <thead>
        <tr>
          <th>Trial</th>
          {[...labels].map(([key, label]) => (
            <th key={key} title={key}>
              {label}
            </th>
          ))}
          <th>Status</th>
          <th>Best {sweep.spec.metric}</th>
          <th>At round</th>
          <th>Rounds run</th>
          <th>Job</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((t) => (
          <tr key={t.index} data-trial={t.index} class={t.index === sweep.bestTrial ? 'selected' : ''}>
            <td>
              <span class="swatch" style={{ background: colorOf(t.index) }} /> {t.index}
              {t.index === sweep.bestTrial ? ' ★' : ''}
            </td>
            {[...labels.keys()].map((key) => (
              <td key={key} class="num">
                {key in t.params ? paramText(t.params[key]) : '—'}
              </td>
            ))}
            <td>
              <StatusBadge status={t.status} />
              {t.error && (
                <span class="error" title={t.error}>
                  {' '}
                  {t.error.length > 60 ? `${t.error.slice(0, 60)}…` : t.error}
                </span>
              )}
            </td>
            <td class="num">{metric(t.best)}</td>
            <td class="num">{t.bestRound ?? '—'}</td>
            <td class="num">{t.roundsRun}</td>
            <td>
              {t.jobId ? (
                <a class="mono" href={`#/jobs/${t.jobId}`}>
                  {t.jobId}
                </a>
              ) : (
                '—'
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
