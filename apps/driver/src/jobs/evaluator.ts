import { BadGatewayException, ConflictException, Inject, Injectable, UnprocessableEntityException } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { weightsKey, type EvaluationRecord } from '@tusk/contracts';
import { Infra } from '@tusk/infra';
import { DatasetsService } from '../datasets/datasets.service.js';
import { DriverEnv } from '../driver-env.js';
import type { EvaluateDto } from './dto/evaluate.dto.js';
import { JobStore } from './job-store.js';
import { ResultCollector } from './result-collector.js';
import { modelVersion } from './early-stopping.js';
import { evaluateOnWorkers, EvaluationFailedError } from './evaluate-on-workers.js';
import { TaskGroups } from './task-groups.js';

const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/** Evaluates a trained job on a dataset: one task per dataset part on the workers, metrics averaged by samples. */
@Injectable()
export class Evaluator {
  constructor(
    @Inject(Infra) private readonly infra: Infra,
    @Inject(JobStore) private readonly jobs: JobStore,
    @Inject(DatasetsService) private readonly datasets: DatasetsService,
    @Inject(DriverEnv) private readonly env: DriverEnv,
    @Inject(TaskGroups) private readonly groups: TaskGroups,
  ) {}

  async evaluate(jobId: string, dto: EvaluateDto): Promise<EvaluationRecord> {
    const job = await this.jobs.get(jobId);
    if (!job) throw new UnprocessableEntityException(`job ${jobId} not found`);
    if (job.status !== 'succeeded') throw new ConflictException(`job ${jobId} is ${job.status}; only a succeeded job can be evaluated`);
    const manifest = await this.datasets.manifestForJob(dto.datasetId);
    const trained = await this.datasets.manifestForJob(job.spec.datasetId);
    if (product(manifest.features.shape) !== product(trained.features.shape)) {
      throw new UnprocessableEntityException({
        statusCode: 422,
        field: 'datasetId',
        message: `datasetId: features of shape [${manifest.features.shape}] do not fit a model trained on [${trained.features.shape}]`,
      });
    }
    const id = `ev-${randomBytes(8).toString('hex')}`;
    const collector = new ResultCollector({
      js: this.infra.js,
      jsm: this.infra.jsm,
      jobId,
      replayTimeoutMs: this.env.TUSK_REQUEST_TIMEOUT_MS * 2,
      keep: (r) => r.evaluationId === id,
    });
    await collector.start();
    try {
      const { samples, metrics } = await evaluateOnWorkers({
        groups: this.groups,
        collector,
        jobId,
        round: job.round,
        manifest,
        // The model's weights: the best round's when the job stopped early.
        weightsKey: weightsKey(jobId, modelVersion(job)),
        evaluationId: id,
        batchSize: dto.batchSize ?? 256,
        signal: new AbortController().signal,
      });
      const record: EvaluationRecord = { id, datasetId: manifest.id, status: 'succeeded', samples, metrics };
      await this.jobs.update(jobId, (j) => {
        j.evaluations = [...(j.evaluations ?? []), record];
      });
      return record;
    } catch (err) {
      if (err instanceof EvaluationFailedError) throw new BadGatewayException(err.message);
      throw err;
    } finally {
      await collector.stop();
    }
  }
}
