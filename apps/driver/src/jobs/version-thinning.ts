import { MAX_VERSION_POINTS, type VersionPoint } from '@tusk/contracts';

/** Room the curve may take in the job record: one KV entry (1 MB by default), with room left for the rest of the record. */
export const MAX_VERSION_BYTES = 512 * 1024;

/** The smallest power of two whose version buckets over [first, last], plus the last point, number at most `max`. */
function strideFor({ first, last, max }: { first: number; last: number; max: number }): number {
  let stride = 1;
  while (Math.floor(last / stride) - Math.floor(first / stride) + 2 > max) stride *= 2;
  return stride;
}

/**
 * At most `max` points, spread evenly over the versions: sorted by version; then, when they do not all fit,
 * the first point of every `stride` versions plus the very last point, the stride a power of two set by the
 * version range alone. Buckets of a wider stride are unions of narrower ones and the range only grows, so
 * thinning again what was thinned before keeps what thinning everything at once would: a record thinned
 * tick after tick stays evenly spaced.
 */
export function thinVersionPoints(points: readonly VersionPoint[], max = MAX_VERSION_POINTS): VersionPoint[] {
  if (max < 2) throw new RangeError(`thinVersionPoints keeps the first and the last point: max must be at least 2, got ${max}`);
  const sorted = [...points].sort((a, b) => a.version - b.version);
  if (sorted.length === 0) return sorted;
  const last = sorted[sorted.length - 1];
  const stride = strideFor({ first: sorted[0].version, last: last.version, max });
  // Stride 1 drops only pushes answered at the same version (rejected ones): needed only when they do not all fit.
  if (stride === 1 && sorted.length <= max) return sorted;
  const kept: VersionPoint[] = [];
  let bucket = Number.NaN;
  for (const p of sorted) {
    const b = Math.floor(p.version / stride);
    if (b !== bucket) kept.push(p);
    bucket = b;
  }
  if (kept[kept.length - 1] !== last) kept.push(last);
  return kept;
}

/**
 * The curve as the record keeps it: thinned to MAX_VERSION_POINTS, then further while its JSON is over MAX_VERSION_BYTES
 * (long metric names).
 */
export function fitVersionPoints(points: readonly VersionPoint[], maxBytes = MAX_VERSION_BYTES): VersionPoint[] {
  let kept = thinVersionPoints(points);
  while (kept.length > 2 && JSON.stringify(kept).length > maxBytes)
    kept = thinVersionPoints(kept, Math.max(2, Math.floor(kept.length / 2)));
  return kept;
}
