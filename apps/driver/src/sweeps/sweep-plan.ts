import { BadRequestException, UnprocessableEntityException } from '@nestjs/common';
import type { SweepScheduler, SweepSpec } from '@tusk/contracts';
import type { CreateSweepDto } from './dto/create-sweep.dto.js';
import { checkSpace, gridSize, sampleTrials, SpaceError, type TrialParams } from './search-space.js';

const DEFAULT_MAX_TRIALS = 10;
const DEFAULT_MAX_FAILED_TRIALS = 3;

const badRequest = (field: string, message: string) =>
  new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    field,
    message: message.startsWith(field) ? message : `${field}: ${message}`,
  });
export const unprocessable = (field: string, message: string) =>
  new UnprocessableEntityException({
    statusCode: 422,
    error: 'Unprocessable Entity',
    field,
    message: message.startsWith(field) ? message : `${field}: ${message}`,
  });

function schedulerOf(dto: CreateSweepDto): SweepScheduler {
  const s = dto.scheduler;
  if (!s || s.type === 'none') return { type: 'none' };
  if (s.maxRounds === undefined) throw badRequest('scheduler.maxRounds', 'ASHA needs maxRounds (the rounds of a trial never stopped)');
  const asha = { type: 'asha' as const, gracePeriod: s.gracePeriod ?? 1, reductionFactor: s.reductionFactor ?? 3, maxRounds: s.maxRounds };
  if (asha.gracePeriod >= asha.maxRounds)
    throw badRequest('scheduler.gracePeriod', `must be below maxRounds (${asha.maxRounds}), or no trial is ever stopped`);
  return asha;
}

/** The sweep's spec with defaults, and every trial's parameters: what `POST /sweeps` checks before storing anything. */
export function planSweep(dto: CreateSweepDto): { spec: SweepSpec; trials: TrialParams[] } {
  try {
    const space = checkSpace(dto.space);
    // Without a sampler: a grid when every dimension can be enumerated, random draws (seed 0) otherwise.
    const gridable = Object.values(space).every((d) => d.type === 'choice' || d.type === 'int');
    const type = dto.sampler?.type ?? (gridable ? 'grid' : 'random');
    const sampler = type === 'random' ? { type: 'random' as const, seed: dto.sampler?.seed ?? 0 } : { type: 'grid' as const };
    const maxTrials = dto.maxTrials ?? (sampler.type === 'grid' ? Math.min(gridSize(space), 1000) : DEFAULT_MAX_TRIALS);
    const spec: SweepSpec = {
      name: dto.name ?? 'sweep',
      baseJob: dto.baseJob,
      space,
      sampler,
      maxTrials,
      maxConcurrentTrials: dto.maxConcurrentTrials ?? 2,
      maxFailedTrials: dto.maxFailedTrials ?? DEFAULT_MAX_FAILED_TRIALS,
      metric: dto.metric,
      mode: dto.mode ?? (/loss|error/.test(dto.metric) ? 'min' : 'max'),
      scheduler: schedulerOf(dto),
    };
    return { spec, trials: sampleTrials(space, sampler, maxTrials) };
  } catch (err) {
    if (err instanceof SpaceError) throw badRequest(err.field, err.message);
    throw err;
  }
}

/** The metric must be one the trials' rounds record: `loss`, a compiled metric, or `val_` of either when the trials validate. */
export function checkMetric(metric: string, compiledMetrics: string[], validates: boolean): void {
  const base = metric.replace(/^val_/, '');
  if (base !== 'loss' && !compiledMetrics.includes(base)) {
    throw unprocessable(
      'metric',
      `the trials' rounds record loss${compiledMetrics.map((m) => `, ${m}`).join('')} (and val_ of each with validation), not ${metric}`,
    );
  }
  if (metric.startsWith('val_') && !validates)
    throw unprocessable('metric', `${metric} needs training.validationSplit or training.validationDatasetId in baseJob`);
}
