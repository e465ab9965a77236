import { duration, elapsed } from '../format.js';
import { useNow } from '../hooks.js';

export const StatusBadge = ({ status }: { status: string }) => (
  <span class={`badge status-${status}`} data-testid="status">
    {status}
  </span>
);

export function ProgressBar({ value, label }: { value: number; label?: string }) {
  const pct = Math.round(Math.min(1, Math.max(0, value)) * 100);
  return (
    <span class="progress" title={`${pct}%`}>
      <span class="progress-fill" style={{ width: `${pct}%` }} />
      <span class="progress-label">{label ?? `${pct}%`}</span>
    </span>
  );
}

export const ErrorNote = ({ error }: { error: Error | string | null | undefined }) =>
  error ? (
    <p class="error" role="alert">
      {typeof error === 'string' ? error : error.message}
    </p>
  ) : null;

/** Time from `start` to `end`, counting up while there is no end; only this re-renders every second. */
export function Elapsed({ start, end }: { start?: string; end?: string }) {
  const now = useNow();
  return <>{duration(elapsed(start, end, now))}</>;
}
