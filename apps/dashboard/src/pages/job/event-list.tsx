import type { JobEvent } from '@tusk/contracts';
import { metric } from '../../format.js';

const describe = (e: JobEvent): string => {
  if (e.type === 'round' && e.record)
    return `round ${e.record.round} done in ${metric(e.record.seconds)} s: ${Object.entries(e.record.metrics)
      .map(([k, v]) => `${k}=${metric(v)}`)
      .join(' ')}`;
  if (e.type === 'version' && e.point)
    return `version ${e.point.version}: push of partition ${e.point.partition} ${e.point.outcome} (staleness ${e.point.staleness})`;
  if (e.type === 'membership' && e.membership) {
    const { workerId, change, round, members } = e.membership;
    return `worker ${workerId} ${change} at round ${round}: ${members.length} member(s)`;
  }
  if (e.type === 'progress') return `progress ${Math.round(e.progress * 100)}%`;
  return `${e.type}: ${e.status}${e.error ? ` (${e.error})` : ''}`;
};

/** The events this page received, newest first (version events are many: only the newest are listed). */
export function EventList({ events }: { events: JobEvent[] }) {
  const shown = [...events]
    .reverse()
    .filter((e, i) => e.type !== 'version' || i < 20)
    .slice(0, 100);
  if (shown.length === 0) return <p class="muted">Events appear here while the job runs.</p>;
  return (
    <ul class="events" data-testid="events">
      {shown.map((e, i) => (
        <li key={i} class={e.error ? 'error' : ''}>
          <span class="mono">{e.at.slice(11, 19)}</span> {describe(e)}
        </li>
      ))}
    </ul>
  );
}
