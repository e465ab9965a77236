import * as tf from '@tensorflow/tfjs';
import {
  carriesOptimizerState,
  datasetManifestKey,
  deltaKey,
  FINAL_STATUSES,
  jobRecordKey,
  optimizerStateKey,
  partitionLabel,
  pushTaskId,
  resultOrigin,
  JOBS_BUCKET,
  type DatasetManifest,
  type JobRecord,
  type ResultMessage,
  type TaskMessage,
} from '@tusk/contracts';
import type { Infra } from '@tusk/infra';
import {
  bytesToFloat32,
  computeDelta,
  encodeFloat16,
  evaluateRows,
  float32ToBytes,
  getFlatWeights,
  kerasMetricNames,
  loadOptimizerState,
  normalizeLoss,
  optimizerStateBytes,
  resetOptimizer,
  setFlatWeights,
  setLearningRate,
  trainEpochs,
} from '@tusk/model';
import type { WorkerMetrics } from '../metrics/worker-metrics.js';
import { trainAsynchronously } from './async-trainer.js';
import { JobModels } from './job-models.js';
import { KeptOptimizerStates } from './kept-optimizer-states.js';
import { PartitionCache } from './partition-cache.js';
import { allRows, partitionTensors, type PartitionTensors } from './partition-tensors.js';
import { ParameterServerClient } from './ps-client.js';
import { ObsoleteTaskError, PermanentTaskError } from './task-errors.js';

/** Trains or evaluates one partition: loads weights and data (cached), runs tfjs, stores the delta. */
export class TaskRunner {
  private readonly models = new JobModels();
  private readonly partitions: PartitionCache;
  private readonly manifests = new Map<string, DatasetManifest>();
  private readonly keptStates = new KeptOptimizerStates();

  constructor(
    private readonly infra: Infra,
    private readonly workerId: string,
    private readonly backend: string,
    cacheBytes: number,
    private readonly pushTimeoutMs = 30_000,
    private readonly metrics?: WorkerMetrics,
  ) {
    this.partitions = new PartitionCache(cacheBytes);
  }

  /** Runs one delivery of a task; `attempt` names it in the delta key and in the result. */
  async run(task: TaskMessage, { attempt, signal }: { attempt: string; signal?: AbortSignal }): Promise<ResultMessage> {
    const started = performance.now();
    // The weights download overlaps reading the job, building the model and loading the partition. Nothing earlier
    // can overlap it: the next round's weights are this round's average, and an asynchronous step starts from the head.
    const startWeights = this.prefetch(task.weightsKey);
    const optimizerState = task.optimizerKey ? this.optimizerState(task.optimizerKey) : undefined;
    const job = await this.job(task.jobId);
    if (task.kind === 'train' && (FINAL_STATUSES.includes(job.status) || task.round < job.round)) {
      throw new ObsoleteTaskError(
        FINAL_STATUSES.includes(job.status) ? `job ${job.id} is ${job.status}` : `round ${task.round} is already done`,
      );
    }
    const model = await this.models.get(job);
    const manifest = await this.manifest(task.datasetId);
    const data = await this.data({ task, job, manifest, model });
    const common = { ...resultOrigin(task, { workerId: this.workerId, attempt, backend: this.backend }), ok: true, samples: data.rows };
    if (task.kind === 'train' && job.spec.training.mode !== 'synchronous') {
      const ps = new ParameterServerClient({
        infra: this.infra,
        jobId: task.jobId,
        partition: task.partition,
        task: pushTaskId(task),
        attempt,
        workerId: this.workerId,
        timeoutMs: this.pushTimeoutMs,
        metrics: this.metrics,
      });
      const outcome = await trainAsynchronously({ model, data, job, task, ps, signal });
      const metrics = { ...outcome.metrics, pushes: outcome.pushes, rejected: outcome.rejected };
      return { ...common, metrics, seconds: (performance.now() - started) / 1000 };
    }
    const base = bytesToFloat32(await startWeights);
    setFlatWeights(model, base);
    if (task.kind === 'evaluate') {
      const metrics = await evaluateRows({ model, x: data.x, y: data.y, rows: allRows(data.rows), batchSize: task.batchSize, signal });
      return { ...common, metrics: kerasMetricNames(metrics), seconds: (performance.now() - started) / 1000 };
    }
    // Nothing carries over from an earlier task but the optimizer state the task names (shuffles, dropout masks): the
    // delta is a pure function of the weights, that state, the partition and the task's seed, whichever worker runs it.
    resetOptimizer({ model, compile: job.spec.compile });
    if (optimizerState) await loadOptimizerState(model.optimizer, await optimizerState);
    // The round's rate (warmup, scaling, schedule) replaces the compile spec's; a restored state keeps its moments.
    if (task.learningRate !== undefined) setLearningRate(model.optimizer, task.learningRate);
    const trained = await trainEpochs({
      model,
      x: data.x,
      y: data.y,
      epochs: task.epochs,
      batchSize: task.batchSize,
      seed: task.seed,
      validationSplit: job.spec.training.validationSplit,
      slice: task.slice,
      signal,
    });
    const weights = getFlatWeights(model);
    const key = deltaKey({ jobId: task.jobId, round: task.round, partition: task.partition, attempt });
    const deltaEncoding = job.spec.training.deltaEncoding ?? 'float32';
    const deltaHolds = job.spec.training.partitions === 1 && deltaEncoding === 'float32' ? 'weights' : 'delta';
    const sent = deltaHolds === 'weights' ? weights : computeDelta(base, weights);
    const deltaBytes = deltaEncoding === 'float16' ? encodeFloat16(sent) : float32ToBytes(sent);
    // Kept for the partition's task of the next round when that one goes on from it (see carriesOptimizerState).
    const state = carriesOptimizerState(job.spec.training, task.round + 1)
      ? {
          key: optimizerStateKey({ jobId: task.jobId, round: task.round, partition: task.partition, attempt }),
          bytes: await optimizerStateBytes(model.optimizer),
        }
      : undefined;
    await Promise.all([this.infra.blobs.put(key, deltaBytes), state && this.infra.blobs.put(state.key, state.bytes)]);
    this.metrics?.deltaSent(deltaBytes.byteLength);
    if (state) this.keptStates.keep(state.key, state.bytes);
    return {
      ...common,
      samples: trained.samples,
      deltaKey: key,
      deltaEncoding,
      deltaHolds,
      optimizerKey: state?.key,
      metrics: kerasMetricNames(trained.metrics),
      seconds: (performance.now() - started) / 1000,
    };
  }

  /** The optimizer state this worker stored under `key` if it still holds it, else its download. */
  private optimizerState(key: string): Promise<Uint8Array> {
    const kept = this.keptStates.take(key);
    return kept ? Promise.resolve(kept) : this.prefetch(key);
  }

  /** Starts a blob download now; a failure surfaces where it is awaited, not as an unhandled rejection meanwhile. */
  private prefetch(key: string): Promise<Uint8Array> {
    const download = this.infra.blobs.get(key);
    download.catch(() => undefined);
    return download;
  }

  private async data({
    task,
    job,
    manifest,
    model,
  }: {
    task: TaskMessage;
    job: JobRecord;
    manifest: DatasetManifest;
    model: tf.LayersModel;
  }): Promise<PartitionTensors> {
    // A training task covers dataset parts p, p+P, p+2P...; an evaluation task covers exactly one part.
    const stride = task.kind === 'train' ? job.spec.training.partitions : manifest.partitions.length;
    const parts = manifest.partitions.filter((p) => p.index % stride === task.partition);
    if (parts.length === 0) throw new PermanentTaskError(`dataset ${manifest.id} has no partition ${task.partition}`);
    const inputShape = model.inputs[0].shape.slice(1) as number[];
    const outputShape = model.outputs[0].shape;
    // Keyed by what shapes the tensors, not by job: the next job on the same data starts warm.
    const outputUnits = outputShape[outputShape.length - 1] ?? 1;
    const key = `${manifest.id}:${stride}:${task.partition}:${inputShape.join('x')}:${outputUnits}:${normalizeLoss(job.spec.compile.loss)}`;
    return this.partitions.getOrLoad({
      key,
      label: partitionLabel({ datasetId: manifest.id, partition: task.partition, of: stride }),
      load: async () => {
        const bytes = await Promise.all(parts.map((p) => this.infra.store.getBytes(p.key)));
        return partitionTensors({ parts: bytes, manifest, inputShape, outputUnits, loss: job.spec.compile.loss });
      },
    });
  }

  private async job(jobId: string): Promise<JobRecord> {
    const entry = await this.infra.buckets.jobs.get(jobRecordKey(jobId));
    if (!entry || entry.operation !== 'PUT') throw new PermanentTaskError(`job ${jobId} is not in ${JOBS_BUCKET}`);
    return entry.json<JobRecord>();
  }

  private async manifest(datasetId: string): Promise<DatasetManifest> {
    const cached = this.manifests.get(datasetId);
    if (cached) return cached;
    const manifest = await this.infra.store.getJson<DatasetManifest>(datasetManifestKey(datasetId));
    this.manifests.set(datasetId, manifest);
    return manifest;
  }

  /** The partitions this worker holds decoded, as `<datasetId>/<p>of<n>` (for its heartbeat). */
  cachedPartitions(): string[] {
    return this.partitions.labels();
  }

  /** Frees everything a finished job held. */
  dispose(): void {
    this.models.clear();
    this.partitions.clear();
    this.keptStates.clear();
  }
}
