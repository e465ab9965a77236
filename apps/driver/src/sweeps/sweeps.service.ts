import { ConflictException, HttpException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { SweepRecord } from '@tusk/contracts';
import { JobBodyError, validateJobBody } from '../jobs/dto/validate-job-body.js';
import { JobsService } from '../jobs/jobs.service.js';
import type { CreateSweepDto } from './dto/create-sweep.dto.js';
import { checkMetric, planSweep, unprocessable } from './sweep-plan.js';
import { SweepRunner } from './sweep-runner.js';
import { SweepStore } from './sweep-store.js';
import { SpaceError } from './search-space.js';
import { trialBody } from './trial-body.js';

export const newSweepId = (): string => `sweep-${randomBytes(16).toString('hex')}`;

/** The field a refused trial body names, as the sweep's request sees it: the space key that set it, or `baseJob.<field>`. */
function sweepField(field: string, spaceKeys: string[]): string {
  const key = spaceKeys.find(
    (k) => k === field || k.startsWith(`${field}.`) || field.startsWith(`${k}.`) || (field === 'model' && k.startsWith('model.')),
  );
  return key ? `space.${key}` : `baseJob.${field}`;
}

@Injectable()
export class SweepsService {
  constructor(
    @Inject(SweepStore) private readonly store: SweepStore,
    @Inject(JobsService) private readonly jobs: JobsService,
    @Inject(SweepRunner) private readonly runner: SweepRunner,
  ) {}

  /** Checks the space and every trial's job as `POST /jobs` would before anything is stored; then runs the sweep. */
  async create(dto: CreateSweepDto): Promise<SweepRecord> {
    const { spec, trials } = planSweep(dto);
    const keys = Object.keys(spec.space);
    const checked = new Set<string>();
    for (const [index, params] of trials.entries()) {
      let body;
      try {
        body = trialBody({ baseJob: spec.baseJob, params, scheduler: spec.scheduler, name: spec.name, index });
      } catch (err) {
        if (err instanceof SpaceError) throw unprocessable(err.field, err.message);
        throw err;
      }
      const key = JSON.stringify({ ...body, name: '' });
      if (checked.has(key)) continue;
      checked.add(key);
      const about = `trial ${index} (${JSON.stringify(params)})`;
      try {
        const job = await validateJobBody(body);
        const { spec: jobSpec } = await this.jobs.check(job);
        if (index === 0)
          checkMetric(
            spec.metric,
            jobSpec.compile.metrics ?? [],
            jobSpec.training.validationSplit > 0 || !!jobSpec.training.validationDatasetId,
          );
        if (spec.scheduler.type === 'asha' && jobSpec.training.mode !== 'synchronous')
          throw unprocessable(
            'scheduler',
            `ASHA decides between rounds, and ${about} is ${jobSpec.training.mode} (one round): use synchronous trials or scheduler none`,
          );
      } catch (err) {
        if (err instanceof JobBodyError) throw unprocessable(sweepField(err.field, keys), `${about}: ${err.message}`);
        if (err instanceof HttpException && err.getStatus() === 422) {
          const response = err.getResponse() as { field?: string; message?: string };
          if (response.field === 'metric' || response.field === 'scheduler') throw err;
          throw unprocessable(sweepField(response.field ?? 'model', keys), `${about}: ${response.message ?? err.message}`);
        }
        throw err;
      }
    }
    const now = new Date().toISOString();
    const record: SweepRecord = {
      id: newSweepId(),
      spec,
      status: 'running',
      createdAt: now,
      updatedAt: now,
      trials: trials.map((params, index) => ({ index, params, status: 'pending', roundsRun: 0, rungs: [] })),
    };
    await this.store.create(record);
    this.runner.start(record.id);
    return record;
  }

  async get(id: string): Promise<SweepRecord> {
    const sweep = await this.store.get(id);
    if (!sweep) throw new NotFoundException(`sweep ${id} not found`);
    return sweep;
  }

  list(): Promise<SweepRecord[]> {
    return this.store.list();
  }

  /** Marks the sweep cancelled, then cancels every trial still queued or running. */
  async cancel(id: string): Promise<SweepRecord> {
    const sweep = await this.get(id);
    if (sweep.status !== 'running') throw new ConflictException(`sweep ${id} is already ${sweep.status}`);
    await this.store.update(id, (s) => {
      if (s.status === 'running') Object.assign(s, { status: 'cancelled', finishedAt: new Date().toISOString() });
    });
    await this.runner.stop(id);
    return this.get(id);
  }
}
