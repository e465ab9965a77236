import {
  ConflictException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { FINAL_STATUSES, type JobRecord, type JobSpec } from '@tusk/contracts';
import { ModelSpecError } from '@tusk/model';
import { DriverEnv } from '../driver-env.js';
import { DatasetsService } from '../datasets/datasets.service.js';
import type { CreateJobDto } from './dto/create-job.dto.js';
import { JobEvents } from './job-events.js';
import { JobStore } from './job-store.js';
import { validateJob } from './job-validator.js';
import { totalRounds } from './round-math.js';
import { Checkpoints } from './checkpoints.js';
import { TrainingLoop } from './training-loop.js';

/** Unguessable job ids (128 random bits), safe in NATS subjects and KV keys. */
export const newJobId = (): string => `job-${randomBytes(16).toString('hex')}`;

@Injectable()
export class JobsService {
  constructor(
    @Inject(JobStore) private readonly jobs: JobStore,
    @Inject(DatasetsService) private readonly datasets: DatasetsService,
    @Inject(TrainingLoop) private readonly training: TrainingLoop,
    @Inject(JobEvents) private readonly events: JobEvents,
    @Inject(DriverEnv) private readonly env: DriverEnv,
    @Inject(Checkpoints) private readonly checkpoints: Checkpoints,
  ) {}

  /** Validates everything first; only a job that can run is stored and queued. */
  async create(dto: CreateJobDto, { id = newJobId(), sweepId }: { id?: string; sweepId?: string } = {}): Promise<JobRecord> {
    await this.checkActiveLimit();
    const { spec, params } = await this.check(dto);
    const now = new Date().toISOString();
    const record: JobRecord = {
      id,
      ...(sweepId ? { sweepId } : {}),
      spec,
      status: 'queued',
      createdAt: now,
      updatedAt: now,
      round: 0,
      totalRounds: totalRounds(spec.training),
      params,
      history: [],
      backends: [],
      modelReady: false,
    };
    await this.jobs.create(record);
    this.events.publish(record, 'status');
    this.training.start(record.id);
    return record;
  }

  /** The job's spec after every check `POST /jobs` makes against its datasets and the limits; 404 / 422 naming the field otherwise. */
  async check(dto: CreateJobDto): Promise<{ spec: JobSpec; params: number }> {
    const manifest = await this.datasets.manifestForJob(dto.datasetId);
    const validationId = dto.training.validationDatasetId;
    const validation = validationId ? await this.datasets.manifestForJob(validationId, 'training.validationDatasetId') : undefined;
    try {
      const checked = await validateJob({ dto, manifest, validation, env: this.env });
      // Read and fitted to the model now, so a job that names weights it cannot use is refused, not failed later.
      if (checked.spec.initialWeights) await this.checkpoints.initialWeights(checked.spec.initialWeights, checked.spec);
      return checked;
    } catch (err) {
      if (err instanceof ModelSpecError)
        throw new UnprocessableEntityException({ statusCode: 422, error: 'Unprocessable Entity', field: err.field, message: err.message });
      throw err;
    }
  }

  /**
   * Goes on with a failed or cancelled synchronous job from its newest checkpoint: the rounds after it are trained
   * again, with the same seeds, so the job ends as it would have without the interruption.
   */
  async resume(id: string): Promise<JobRecord> {
    const job = await this.get(id);
    if (job.status !== 'failed' && job.status !== 'cancelled')
      throw new ConflictException(`job ${id} is ${job.status}; only a failed or cancelled job can be resumed`);
    if (job.sweepId) throw new ConflictException(`job ${id} is a trial of sweep ${job.sweepId}; its sweep decides its rounds`);
    if (job.spec.training.mode !== 'synchronous')
      throw new ConflictException(`job ${id} is ${job.spec.training.mode}: only synchronous jobs go on from a checkpoint`);
    // The best round's weights may have been dropped once a later round beat it: nothing to go back to.
    if (job.spec.training.earlyStopping)
      throw new ConflictException(
        `job ${id} uses earlyStopping: it does not go on from a checkpoint yet; start a job from it with initialWeights`,
      );
    const checkpoint = job.checkpoints?.at(-1);
    if (!checkpoint) throw new ConflictException(`job ${id} has no checkpoint to go on from (set training.checkpointEvery)`);
    await this.checkActiveLimit();
    await this.training.prepareResume(job, checkpoint);
    const resumed = await this.jobs.update(id, (j) => {
      if (j.status !== job.status) return;
      j.resumes = [...(j.resumes ?? []), { at: new Date().toISOString(), from: j.status, round: checkpoint.round }];
      Object.assign(j, { status: 'running', round: checkpoint.round, history: j.history.slice(0, checkpoint.round), modelReady: false });
      delete j.error;
      delete j.finishedAt;
    });
    if (resumed.status !== 'running') throw new ConflictException(`job ${id} changed to ${resumed.status} meanwhile`);
    this.events.publish(resumed, 'status');
    this.training.start(id);
    return resumed;
  }

  async get(id: string): Promise<JobRecord> {
    const job = await this.jobs.get(id);
    if (!job) throw new NotFoundException(`job ${id} not found`);
    return job;
  }

  list(): Promise<JobRecord[]> {
    return this.jobs.list();
  }

  private async checkActiveLimit(): Promise<void> {
    const active = (await this.jobs.list()).filter((j) => !FINAL_STATUSES.includes(j.status)).length;
    if (active >= this.env.TUSK_MAX_ACTIVE_JOBS) {
      throw new HttpException(
        `${active} jobs are queued or running, ` +
          `the limit is ${this.env.TUSK_MAX_ACTIVE_JOBS} (TUSK_MAX_ACTIVE_JOBS); try again when one ends`,
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
  }

  async cancel(id: string): Promise<JobRecord> {
    const job = await this.get(id);
    if (FINAL_STATUSES.includes(job.status)) throw new ConflictException(`job ${id} is already ${job.status}`);
    const cancelled = await this.jobs.update(id, (j) => {
      if (!FINAL_STATUSES.includes(j.status)) Object.assign(j, { status: 'cancelled', finishedAt: new Date().toISOString() });
    });
    await this.training.stop(id);
    this.events.publish(cancelled, 'status');
    return cancelled;
  }
}
