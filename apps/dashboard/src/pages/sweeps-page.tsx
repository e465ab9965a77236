import type { SweepRecord } from '@tusk/contracts';
import { api } from '../api/client.js';
import { ErrorNote, StatusBadge } from '../components/status-badge.js';
import { metric, time } from '../format.js';
import { usePoll } from '../hooks.js';
import { bestTrialOf, trialsDone, trialsTotal } from '../sweeps.js';

/** Every sweep, newest first, refreshed every 2 s from `GET /sweeps`. */
export function SweepsPage() {
  const { value: sweeps, error } = usePoll(api.sweeps, 2000);
  const rows = [...(sweeps ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return (
    <section>
      <h1>Sweeps</h1>
      <ErrorNote error={error} />
      {sweeps && rows.length === 0 && (
        <p class="muted">
          No sweeps yet. Submit one with <code>tusk sweep submit sweep.json</code> or <code>POST /sweeps</code>.
        </p>
      )}
      {rows.length > 0 && (
        <table class="table" data-testid="sweeps-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Status</th>
              <th>Trials done</th>
              <th>Metric</th>
              <th>Best</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <SweepRow key={s.id} sweep={s} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function SweepRow({ sweep }: { sweep: SweepRecord }) {
  const best = bestTrialOf(sweep);
  return (
    <tr data-sweep-id={sweep.id}>
      <td>
        <a href={`#/sweeps/${sweep.id}`}>{sweep.spec.name}</a>
      </td>
      <td>
        <StatusBadge status={sweep.status} />
      </td>
      <td class="num">
        {trialsDone(sweep)}/{trialsTotal(sweep)}
      </td>
      <td>
        {sweep.spec.metric} ({sweep.spec.mode})
      </td>
      <td class="num">{metric(best?.best)}</td>
      <td>{time(sweep.createdAt)}</td>
    </tr>
  );
}
