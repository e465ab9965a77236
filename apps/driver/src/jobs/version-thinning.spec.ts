import { describe, expect, it } from '@jest/globals';
import { MAX_VERSION_POINTS, type VersionPoint } from '@tusk/contracts';
import { fitVersionPoints, thinVersionPoints } from './version-thinning.js';

const point = (version: number, outcome: VersionPoint['outcome'] = 'applied'): VersionPoint => ({
  version,
  at: '2026-01-01T00:00:00.000Z',
  partition: version % 2,
  staleness: 0,
  outcome,
  metrics: { loss: 1 / (1 + version) },
});
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => point(from + i));
const versionsOf = (points: VersionPoint[]) => points.map((p) => p.version);

describe('thinVersionPoints', () => {
  it('keeps every point, sorted by version, while they fit', () => {
    expect(versionsOf(thinVersionPoints([point(3), point(1), point(2, 'rejected'), point(2)], 4))).toEqual([1, 2, 2, 3]);
    expect(thinVersionPoints([], 4)).toEqual([]);
  });

  it('keeps the first point of every stride versions (a power of two) and the last one', () => {
    // Versions 0..9 in at most 4 points: stride 4 gives buckets 0-3, 4-7, 8-9, then the last point.
    expect(versionsOf(thinVersionPoints(range(0, 9), 4))).toEqual([0, 4, 8, 9]);
    expect(versionsOf(thinVersionPoints(range(1, 1000), 10))).toEqual([1, 128, 256, 384, 512, 640, 768, 896, 1000]);
  });

  it('drops pushes answered at the same version (rejected ones) first, when they do not all fit', () => {
    expect(versionsOf(thinVersionPoints([point(1), point(2), point(2, 'rejected'), point(3)], 3))).toEqual([1, 2, 3]);
    expect(thinVersionPoints([point(1), point(2), point(2, 'rejected'), point(3)], 3)[1].outcome).toBe('applied');
  });

  it('gives the same points thinning tick after tick as thinning everything at once', () => {
    let record: VersionPoint[] = [];
    for (let from = 1; from <= 5000; from += 137) record = thinVersionPoints([...record, ...range(from, Math.min(5000, from + 136))], 100);
    expect(versionsOf(record)).toEqual(versionsOf(thinVersionPoints(range(1, 5000), 100)));
    expect(record.length).toBeLessThanOrEqual(100);
  });

  it('holds at most MAX_VERSION_POINTS by default, first and last included', () => {
    const kept = thinVersionPoints(range(0, 9999));
    expect(kept.length).toBeLessThanOrEqual(MAX_VERSION_POINTS);
    expect(kept.length).toBeGreaterThan(MAX_VERSION_POINTS / 4);
    expect([kept[0].version, kept.at(-1)!.version]).toEqual([0, 9999]);
  });

  it('refuses a bound below 2', () => {
    expect(() => thinVersionPoints(range(0, 9), 1)).toThrow('max must be at least 2, got 1');
  });
});

describe('fitVersionPoints', () => {
  it('thins further while the JSON is over the byte budget, keeping first and last', () => {
    const kept = fitVersionPoints(range(0, 999), 10_000);
    expect(JSON.stringify(kept).length).toBeLessThanOrEqual(10_000);
    expect(kept.length).toBeGreaterThan(10);
    expect([kept[0].version, kept.at(-1)!.version]).toEqual([0, 999]);
  });

  it('changes nothing that fits', () => {
    expect(fitVersionPoints(range(0, 9))).toEqual(range(0, 9));
  });
});
