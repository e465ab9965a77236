import { BadGatewayException, ConflictException, Inject, Injectable, UnprocessableEntityException } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { encodeMessage, taskSubject, weightsKey, type EvaluationRecord, type TaskMessage } from '@tusk/contracts';
import { Infra } from '@tusk/infra';
import { DatasetsService } from '../datasets/datasets.service.js';
import { DriverEnv } from '../driver-env.js';
import type { EvaluateDto } from './dto/evaluate.dto.js';
import { JobStore } from './job-store.js';
import { ResultCollector } from './result-collector.js';
import { weightedMetrics } from './round-math.js';

const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/** Evaluates a trained job on a dataset: one task per dataset part on the workers, metrics averaged by samples. */
@Injectable()
export class Evaluator {
  constructor(
    @Inject(Infra) private readonly infra: Infra,
    @Inject(JobStore) private readonly jobs: JobStore,
    @Inject(DatasetsService) private readonly datasets: DatasetsService,
    @Inject(DriverEnv) private readonly env: DriverEnv,
  ) {}

  async evaluate(jobId: string, dto: EvaluateDto): Promise<EvaluationRecord> {
    const job = await this.jobs.get(jobId);
    if (!job) throw new UnprocessableEntityException(`job ${jobId} not found`);
    if (job.status !== 'succeeded') throw new ConflictException(`job ${jobId} is ${job.status}; only a succeeded job can be evaluated`);
    const manifest = await this.datasets.manifestForJob(dto.datasetId);
    const trained = await this.datasets.manifestForJob(job.spec.datasetId);
    if (product(manifest.features.shape) !== product(trained.features.shape)) {
      throw new UnprocessableEntityException({ statusCode: 422, field: 'datasetId', message: `datasetId: features of shape [${manifest.features.shape}] do not fit a model trained on [${trained.features.shape}]` });
    }
    const id = `ev-${randomBytes(8).toString('hex')}`;
    const collector = new ResultCollector(this.infra.js, jobId);
    await collector.start();
    try {
      for (const part of manifest.partitions) {
        const task: TaskMessage = {
          jobId, kind: 'evaluate', round: job.round, partition: part.index, datasetId: manifest.id, evaluationId: id,
          weightsKey: weightsKey(jobId, job.round), epochs: 0, batchSize: dto.batchSize ?? 256, seed: 0,
        };
        await this.infra.js.publish(taskSubject(jobId), encodeMessage(task), { msgID: `${jobId}.evaluate.${id}.${part.index}` });
      }
      const results = await collector.waitFor({
        group: ResultCollector.groupOf({ kind: 'evaluate', round: job.round, evaluationId: id }),
        partitions: manifest.partitions.map((p) => p.index),
        timeoutMs: this.env.TUSK_ROUND_TIMEOUT_S * 1000,
        signal: new AbortController().signal,
      });
      const failed = results.find((r) => !r.ok);
      if (failed) throw new BadGatewayException(`evaluation of part ${failed.partition} failed on ${failed.workerId}: ${failed.error}`);
      const record: EvaluationRecord = { id, datasetId: manifest.id, status: 'succeeded', samples: results.reduce((n, r) => n + r.samples, 0), metrics: weightedMetrics(results) };
      await this.jobs.update(jobId, (j) => { j.evaluations = [...(j.evaluations ?? []), record]; });
      return record;
    } finally {
      await collector.stop();
    }
  }
}
