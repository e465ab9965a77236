import type { ParamDomain, SweepSampler } from '@tusk/contracts';
import { seededRandom } from '@tusk/data';

export type ParamValue = number | string | boolean;
export type TrialParams = Record<string, ParamValue>;

/** A space or sampler that cannot be searched, with the request field it names. */
export class SpaceError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'SpaceError';
  }
}

/** Most values a grid may enumerate for one `int` dimension (a typo like max 1e9 must not allocate forever). */
const MAX_INT_GRID = 1000;
export const SPACE_KEY = /^(training\.[A-Za-z]+|compile\.[A-Za-z_]+(\.[A-Za-z_]+)*|model\.[A-Za-z_][A-Za-z0-9_]*)$/;

/** Checks every dimension's shape and bounds; the first problem is thrown with its `space.<key>` field. */
export function checkSpace(space: Record<string, unknown>): Record<string, ParamDomain> {
  const keys = Object.keys(space);
  if (keys.length === 0) throw new SpaceError('space', 'needs at least one dimension');
  for (const key of keys) {
    const field = `space.${key}`;
    if (!SPACE_KEY.test(key)) throw new SpaceError(field, 'a key is training.<field>, compile.<path> or model.<placeholder>');
    const d = space[key] as Partial<ParamDomain> & { values?: unknown; min?: unknown; max?: unknown };
    if (!d || typeof d !== 'object') throw new SpaceError(field, 'must be an object with a type');
    if (d.type === 'choice') {
      if (!Array.isArray(d.values) || d.values.length === 0 || d.values.length > 1000)
        throw new SpaceError(field, 'choice needs 1 to 1000 values');
      if (!d.values.every((v) => ['number', 'string', 'boolean'].includes(typeof v) && (typeof v !== 'number' || Number.isFinite(v)))) {
        throw new SpaceError(field, 'choice values must be numbers, strings or booleans');
      }
      continue;
    }
    if (!['uniform', 'loguniform', 'int'].includes(String(d.type)))
      throw new SpaceError(field, 'type must be choice, uniform, loguniform or int');
    if (typeof d.min !== 'number' || typeof d.max !== 'number' || !Number.isFinite(d.min) || !Number.isFinite(d.max))
      throw new SpaceError(field, 'min and max must be finite numbers');
    if (d.min > d.max) throw new SpaceError(field, 'min must not exceed max');
    if (d.type === 'loguniform' && d.min <= 0) throw new SpaceError(field, 'loguniform needs min > 0');
    if (d.type === 'int' && (!Number.isInteger(d.min) || !Number.isInteger(d.max)))
      throw new SpaceError(field, 'int needs whole min and max');
  }
  return space as Record<string, ParamDomain>;
}

/** The values a grid walks for one dimension. */
function gridValues(key: string, d: ParamDomain): ParamValue[] {
  if (d.type === 'choice') return d.values;
  if (d.type === 'int') {
    if (d.max - d.min + 1 > MAX_INT_GRID) throw new SpaceError(`space.${key}`, `a grid enumerates at most ${MAX_INT_GRID} integers`);
    return Array.from({ length: d.max - d.min + 1 }, (_, i) => d.min + i);
  }
  throw new SpaceError(`space.${key}`, `grid sampling needs choice or int dimensions, not ${d.type}`);
}

/** Every combination, the last key varying fastest (as nested loops in the order the keys were given). */
export function gridSize(space: Record<string, ParamDomain>): number {
  return Object.entries(space).reduce((n, [key, d]) => n * gridValues(key, d).length, 1);
}

function draw(d: ParamDomain, rand: () => number): ParamValue {
  switch (d.type) {
    case 'choice':
      return d.values[Math.floor(rand() * d.values.length)];
    case 'uniform':
      return d.min + rand() * (d.max - d.min);
    case 'loguniform':
      return Math.exp(Math.log(d.min) + rand() * (Math.log(d.max) - Math.log(d.min)));
    case 'int':
      return d.min + Math.floor(rand() * (d.max - d.min + 1));
  }
}

/** The parameters of each trial, in trial order: the first `count` grid points, or `count` seeded random draws. */
export function sampleTrials(space: Record<string, ParamDomain>, sampler: SweepSampler, count: number): TrialParams[] {
  const keys = Object.keys(space);
  if (sampler.type === 'random') {
    const rand = seededRandom(sampler.seed);
    return Array.from({ length: count }, () => Object.fromEntries(keys.map((k) => [k, draw(space[k], rand)])));
  }
  const axes = keys.map((k) => gridValues(k, space[k]));
  const total = axes.reduce((n, a) => n * a.length, 1);
  return Array.from({ length: Math.min(count, total) }, (_, i) => {
    const params: TrialParams = {};
    let rest = i;
    for (let k = keys.length - 1; k >= 0; k--) {
      params[keys[k]] = axes[k][rest % axes[k].length];
      rest = Math.floor(rest / axes[k].length);
    }
    return Object.fromEntries(keys.map((k) => [k, params[k]]));
  });
}
