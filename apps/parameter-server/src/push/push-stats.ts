import type { PushStats } from '@tusk/contracts';

/** Counters that are not tied to a version (duplicates, busy replies): kept in memory until the next head write. */
export interface UnsavedCounts {
  duplicates: number;
  busy: number;
}

export const noCounts = (): UnsavedCounts => ({ duplicates: 0, busy: 0 });
export const hasCounts = (c: UnsavedCounts): boolean => c.duplicates > 0 || c.busy > 0;

export const initialStats = (version: number): PushStats => ({
  pushes: 0,
  stale: 0,
  rejected: 0,
  scaled: 0,
  duplicates: 0,
  busy: 0,
  version,
});

/** The stats after one new push was answered: applied (maybe scaled for staleness) or rejected as stale. */
export function countAnswer(stats: PushStats, { accepted, stale }: { accepted: boolean; stale: boolean }): PushStats {
  return {
    ...stats,
    pushes: stats.pushes + (accepted ? 1 : 0),
    stale: stats.stale + (stale ? 1 : 0),
    rejected: stats.rejected + (accepted ? 0 : 1),
    scaled: stats.scaled + (accepted && stale ? 1 : 0),
  };
}

/** `stats` with the unsaved counters added and the version they are written with. */
export const withCounts = (stats: PushStats, counts: UnsavedCounts, version: number): PushStats => ({
  ...stats,
  duplicates: (stats.duplicates ?? 0) + counts.duplicates,
  busy: (stats.busy ?? 0) + counts.busy,
  version,
});

/** Takes what a successful write saved off the unsaved counters (more may have come in during the write). */
export function subtractCounts(unsaved: UnsavedCounts, saved: UnsavedCounts): void {
  unsaved.duplicates -= saved.duplicates;
  unsaved.busy -= saved.busy;
}
