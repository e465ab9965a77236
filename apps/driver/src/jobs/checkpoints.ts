import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  checkpointJsonKey,
  checkpointWeightsKey,
  modelJsonKey,
  modelWeightsKey,
  weightsKey,
  type CheckpointRecord,
  type InitialWeightsSource,
  type JobRecord,
  type JobSpec,
} from '@tusk/contracts';
import { Infra } from '@tusk/infra';
import { bytesToFloat32, flatWeightsFromArtifact, ModelSpecError, withBuiltModel } from '@tusk/model';
import { ObjectNotFoundError } from '@tusk/storage';
import { JobStore } from './job-store.js';
import { artifactFilesOf, modelInputOf } from './job-model.js';
import { weightsDigest } from './weights-digest.js';

/** The largest model.json read for `initialWeights` (the topology and weight specs; weights are apart). */
const MAX_MODEL_JSON_BYTES = 16 * 2 ** 20;

/** Checkpoints kept when the job does not say. */
export const DEFAULT_KEEP_CHECKPOINTS = 3;

/** Whether the weights after `job.round` rounds are due as a checkpoint: every `checkpointEvery` rounds, and the last. */
export function checkpointDue(job: JobRecord): boolean {
  const every = job.spec.training.checkpointEvery;
  return job.round === job.totalRounds || (every !== undefined && every > 0 && job.round % every === 0);
}

/** The files of one tfjs artifact in S3. */
interface ArtifactKeys {
  json: string;
  weights: string;
}

const checkpointKeys = (jobId: string, round: number): ArtifactKeys => ({
  json: checkpointJsonKey(jobId, round),
  weights: checkpointWeightsKey(jobId, round),
});

/**
 * A job's checkpoints: the weights of chosen rounds kept in S3 as tfjs artifacts (the newest `keepCheckpoints`),
 * listed in the job record; and the starting weights a job names in `initialWeights` (another job's checkpoint
 * or model), checked against the new job's model.
 */
@Injectable()
export class Checkpoints {
  private readonly logger = new Logger(Checkpoints.name);

  constructor(
    @Inject(Infra) private readonly infra: Infra,
    @Inject(JobStore) private readonly jobs: JobStore,
  ) {}

  /** Keeps the weights of round `job.round` (they are in the weights bucket) and drops the checkpoints past the limit. */
  async save(job: JobRecord): Promise<JobRecord> {
    const round = job.round;
    const flat = bytesToFloat32(await this.infra.blobs.get(weightsKey(job.id, round)));
    const files = await artifactFilesOf(job.spec, flat);
    const keys = checkpointKeys(job.id, round);
    await this.infra.store.putBytes(keys.weights, files.weightsBin);
    await this.infra.store.putJson(keys.json, files.modelJson);
    const entry: CheckpointRecord = {
      round,
      epoch: job.history[round - 1]?.epoch ?? 0,
      weightsSha256: weightsDigest(files.weightsBin),
      at: new Date().toISOString(),
    };
    const keep = job.spec.training.keepCheckpoints ?? DEFAULT_KEEP_CHECKPOINTS;
    let dropped: CheckpointRecord[] = [];
    const updated = await this.jobs.update(job.id, (j) => {
      const all = [...(j.checkpoints ?? []).filter((c) => c.round !== round), entry].sort((a, b) => a.round - b.round);
      dropped = all.slice(0, Math.max(0, all.length - keep));
      j.checkpoints = all.slice(all.length - Math.min(all.length, keep));
    });
    const stale = dropped.flatMap((c) => Object.values(checkpointKeys(job.id, c.round)));
    if (stale.length > 0)
      await this.infra.store
        .deleteKeys(stale)
        .catch((err) => this.logger.warn(`deleting old checkpoints failed: ${err}`, { jobId: job.id }));
    this.logger.log(`checkpoint of round ${round} kept (${updated.checkpoints?.length ?? 0} kept)`, { jobId: job.id, round });
    return updated;
  }

  /** The bytes of checkpoint `checkpoint`, checked against the digest recorded when it was kept. */
  async bytesOf(jobId: string, checkpoint: CheckpointRecord): Promise<Uint8Array> {
    const bytes = await this.infra.store.getBytes(checkpointWeightsKey(jobId, checkpoint.round));
    if (weightsDigest(bytes) !== checkpoint.weightsSha256)
      throw new Error(`checkpoint of round ${checkpoint.round} does not match the digest recorded when it was kept`);
    return bytes;
  }

  /**
   * The weights `source` names, fitted to the model of `spec`: a `ModelSpecError` on `initialWeights.*` when the
   * job, its checkpoint or its model does not exist or does not fit.
   */
  async initialWeights(source: InitialWeightsSource, spec: JobSpec): Promise<Float32Array> {
    const shapes = await this.weightShapes(spec);
    const needed = shapes.reduce((n, shape) => n + shape.reduce((a, b) => a * b, 1), 0) * 4;
    const keys = 'jobId' in source ? await this.sourceKeys(source) : await this.uploadedKeys(source, needed);
    const read = async <T>(load: () => Promise<T>): Promise<T> => {
      try {
        return await load();
      } catch (err) {
        if (err instanceof ObjectNotFoundError)
          throw new ModelSpecError('initialWeights', `the files of ${describe(source)} are missing from S3`);
        throw err;
      }
    };
    const [modelJson, weightsBin] = await Promise.all([
      read(() => this.infra.store.getJson<Record<string, unknown>>(keys.json)),
      read(() => this.infra.store.getBytes(keys.weights)),
    ]);
    return flatWeightsFromArtifact({ modelJson, weightsBin, shapes, field: 'initialWeights' });
  }

  private weightShapes(spec: JobSpec): Promise<number[][]> {
    return withBuiltModel(modelInputOf(spec), (model) => model.weights.map((w) => w.shape as number[]));
  }

  /** The keys of an artifact in the bucket, HEAD-checked so that nothing oversized is read. */
  private async uploadedKeys({ modelJson, weights }: { modelJson: string; weights: string }, needed: number): Promise<ArtifactKeys> {
    const sizeOf = async (key: string, field: string) => {
      try {
        return await this.infra.store.size(key);
      } catch (err) {
        if (err instanceof ObjectNotFoundError) throw new ModelSpecError(field, `object ${key} not found in the bucket`);
        throw err;
      }
    };
    const [jsonBytes, weightBytes] = await Promise.all([
      sizeOf(modelJson, 'initialWeights.modelJson'),
      sizeOf(weights, 'initialWeights.weights'),
    ]);
    if (jsonBytes > MAX_MODEL_JSON_BYTES)
      throw new ModelSpecError('initialWeights.modelJson', `${jsonBytes} bytes is over the ${MAX_MODEL_JSON_BYTES} a model.json may have`);
    if (weightBytes !== needed)
      throw new ModelSpecError(
        'initialWeights.weights',
        `${weightBytes} bytes, the job's model needs ${needed} (float32 weights in one file)`,
      );
    return { json: modelJson, weights };
  }

  private async sourceKeys(source: { jobId: string; round?: number }): Promise<ArtifactKeys> {
    const job = await this.jobs.get(source.jobId);
    if (!job) throw new ModelSpecError('initialWeights.jobId', `job ${source.jobId} not found`);
    if (source.round !== undefined) {
      if (!job.checkpoints?.some((c) => c.round === source.round)) {
        const kept = job.checkpoints?.map((c) => c.round).join(', ') || 'none';
        throw new ModelSpecError(
          'initialWeights.round',
          `job ${source.jobId} keeps no checkpoint of round ${source.round} (kept: ${kept})`,
        );
      }
      return checkpointKeys(job.id, source.round);
    }
    if (job.modelReady) return { json: modelJsonKey(job.id), weights: modelWeightsKey(job.id) };
    const latest = job.checkpoints?.at(-1);
    if (!latest) throw new ModelSpecError('initialWeights.jobId', `job ${source.jobId} has neither a model nor a checkpoint yet`);
    return checkpointKeys(job.id, latest.round);
  }
}

function describe(source: InitialWeightsSource): string {
  if (!('jobId' in source)) return `the artifact ${source.modelJson}`;
  return source.round === undefined ? `job ${source.jobId}'s model` : `job ${source.jobId}'s checkpoint of round ${source.round}`;
}
