import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import {
  datasetManifestKey, encodeMessage, jobTasksFilter, FINAL_STATUSES, type DatasetManifest, modelJsonKey, modelWeightsKey, RESULTS_STREAM, resultSubject,
  TASKS_STREAM, taskId, taskSubject, weightsKey, type JobRecord, type PushStats, type ResultMessage, type TaskMessage,
} from '@tusk/contracts';
import { applyDelta, averageDeltas, buildModel, bytesToFloat32, decodeFloat16, float32ToBytes, getFlatWeights, hasNonFinite, setFlatWeights, toArtifactFiles } from '@tusk/model';
import { DriverEnv } from '../driver-env.js';
import { Infra, isTransientError } from '@tusk/infra';
import { evaluateOnWorkers } from './evaluate-on-workers.js';
import { JobEvents } from './job-events.js';
import { JobStore } from './job-store.js';
import { ResultCollector, WaitAbortedError } from './result-collector.js';
import { expectedPushes, roundRecord } from './round-math.js';

const ASYNC_PROGRESS_MS = 2_000;

interface RunningJob {
  abort: AbortController;
  done: Promise<void>;
  collector: ResultCollector;
}

/**
 * The synchronous round loop: publish one task per partition, wait for every delta, average them by
 * samples into the next weights version. All state lives in KV, so a restarted driver resumes a job.
 */
@Injectable()
export class SyncTrainer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SyncTrainer.name);
  private readonly running = new Map<string, RunningJob>();

  constructor(
    @Inject(Infra) private readonly infra: Infra,
    @Inject(JobStore) private readonly jobs: JobStore,
    @Inject(JobEvents) private readonly events: JobEvents,
    @Inject(DriverEnv) private readonly env: DriverEnv,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const job of await this.jobs.list()) {
      if (job.status === 'queued' || job.status === 'running') {
        this.logger.log(`resuming job ${job.id} at round ${job.round}/${job.totalRounds}`);
        this.start(job.id);
      }
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    const all = [...this.running.values()];
    for (const r of all) r.abort.abort();
    await Promise.all(all.map((r) => r.done));
  }

  start(jobId: string): void {
    if (this.running.has(jobId)) return;
    const abort = new AbortController();
    const collector = new ResultCollector(this.infra.js, jobId);
    const done = this.run(jobId, collector, abort.signal).finally(() => this.running.delete(jobId));
    this.running.set(jobId, { abort, done, collector });
  }

  /** Stops the loop and removes the job's queued tasks; the record is marked cancelled by the caller. */
  async stop(jobId: string): Promise<void> {
    const run = this.running.get(jobId);
    run?.abort.abort();
    await run?.done;
    await this.purgeTasks(jobId);
  }

  private async run(jobId: string, collector: ResultCollector, signal: AbortSignal): Promise<void> {
    try {
      await this.outlastOutages(jobId, signal, () => collector.start());
      let job = await this.outlastOutages(jobId, signal, () => this.jobs.get(jobId));
      if (!job || FINAL_STATUSES.includes(job.status)) return;
      if (job.status === 'queued') job = await this.outlastOutages(jobId, signal, () => this.initialize(job!));
      while (job.round < job.totalRounds) {
        if (signal.aborted || job.status !== 'running') return;
        const current: JobRecord = job;
        // A step cut short by an outage is redone from the job record: rounds are idempotent.
        job = await this.outlastOutages(jobId, signal, async () => this.runRound((await this.jobs.get(jobId)) ?? current, collector, signal));
      }
      if (job.status === 'running') await this.outlastOutages(jobId, signal, () => this.finish(job!));
    } catch (err) {
      if (err instanceof WaitAbortedError || signal.aborted) return;
      await this.fail(jobId, err instanceof Error ? err.message : String(err));
    } finally {
      await collector.stop().catch(() => undefined);
    }
  }

  /** Runs `step`, retrying while NATS or S3 is unreachable, for at most TUSK_OUTAGE_LIMIT_S. */
  private async outlastOutages<T>(jobId: string, signal: AbortSignal, step: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.env.TUSK_OUTAGE_LIMIT_S * 1000;
    for (let attempt = 1; ; attempt++) {
      try {
        return await step();
      } catch (err) {
        if (!isTransientError(err) || signal.aborted) throw err;
        if (Date.now() >= deadline) throw new Error(`NATS or S3 stayed unreachable for more than ${this.env.TUSK_OUTAGE_LIMIT_S} s (TUSK_OUTAGE_LIMIT_S): ${(err as Error).message}`);
        this.logger.warn(`job ${jobId}: ${(err as Error).message}; retrying (attempt ${attempt})`);
        await new Promise((r) => setTimeout(r, Math.min(10_000, 500 * 2 ** Math.min(attempt, 5))));
      }
    }
  }

  private async initialize(job: JobRecord): Promise<JobRecord> {
    const { model: topology, compile, training } = job.spec;
    const model = await buildModel({ topology, compile, seed: training.seed });
    try {
      const initial = float32ToBytes(getFlatWeights(model));
      await this.infra.blobs.put(weightsKey(job.id, 0), initial);
      if (training.mode !== 'synchronous') await this.infra.versions.init(job.id, initial);
    } finally {
      model.optimizer?.dispose();
      model.dispose();
    }
    const next = await this.jobs.update(job.id, (j) => {
      if (j.status === 'queued') Object.assign(j, { status: 'running', startedAt: new Date().toISOString(), round: 0 });
    });
    this.events.publish(next, 'status');
    return next;
  }

  private async runRound(job: JobRecord, collector: ResultCollector, signal: AbortSignal): Promise<JobRecord> {
    const { training } = job.spec;
    const round = job.round;
    const group = ResultCollector.groupOf({ kind: 'train', round });
    // Asynchronous and hogwild jobs are one round in which every worker trains all its epochs.
    const epochsThisRound = training.mode === 'synchronous' ? Math.min(training.localEpochs, training.epochs - round * training.localEpochs) : training.epochs;
    const partitions = Array.from({ length: training.partitions }, (_, p) => p);
    const started = Date.now();
    const seen = collector.received(group);
    for (const partition of partitions.filter((p) => !seen.has(p))) {
      const task: TaskMessage = {
        jobId: job.id, kind: 'train', round, partition, datasetId: job.spec.datasetId,
        weightsKey: weightsKey(job.id, round), epochs: epochsThisRound, batchSize: training.batchSize,
        seed: training.seed + round * 7919 + partition,
      };
      await this.infra.js.publish(taskSubject(task), encodeMessage(task), { msgID: taskId(task) });
    }
    // An asynchronous job is one long round: report its progress from the parameter server's version.
    let reporter: NodeJS.Timeout | undefined;
    if (training.mode !== 'synchronous') {
      const expected = expectedPushes(training, await this.infra.store.getJson<DatasetManifest>(datasetManifestKey(job.spec.datasetId)));
      reporter = setInterval(() => void this.reportPushProgress(job, started, expected), ASYNC_PROGRESS_MS);
    }
    const results = await collector.waitFor({ group, partitions, timeoutMs: this.env.TUSK_ROUND_TIMEOUT_S * 1000, signal }).finally(() => clearInterval(reporter));
    const failed = results.find((r) => !r.ok);
    if (failed) throw new Error(`partition ${failed.partition} failed in round ${round}: ${failed.error ?? 'unknown error'}`);

    let pushStats: PushStats | undefined;
    if (training.mode === 'synchronous') {
      await this.averageRound(job.id, round, results);
    } else {
      // The parameter server holds the newest weights: freeze them as the job's final version.
      const live = await this.infra.versions.read(job.id);
      await this.infra.blobs.put(weightsKey(job.id, round + 1), live.bytes);
      pushStats = live.stats;
    }

    const validation = await this.validate(job, round + 1, collector, signal);
    const record = roundRecord({
      round: round + 1,
      epoch: training.mode === 'synchronous' ? Math.min(training.epochs, round * training.localEpochs + epochsThisRound) : training.epochs,
      epochsTrained: epochsThisRound,
      results,
      seconds: (Date.now() - started) / 1000,
    });
    Object.assign(record.metrics, validation);
    const updated = await this.jobs.update(job.id, (j) => {
      if (j.round !== round) return;
      j.round = round + 1;
      j.history.push(record);
      j.backends = [...new Set([...j.backends, ...results.map((r) => r.backend)])];
      if (pushStats) j.pushStats = pushStats;
    });
    this.events.publish(updated, 'round', record);
    collector.forget(group);
    await Promise.all([
      ...results.filter((r) => r.deltaKey).map((r) => this.infra.blobs.delete(r.deltaKey!)),
      this.infra.blobs.delete(weightsKey(job.id, round)),
    ]).catch((err) => this.logger.warn(`job ${job.id}: cleanup of round ${round} failed: ${err}`));
    return updated;
  }

  /** Publishes how many of an asynchronous job's expected pushes have landed, with an ETA. */
  private async reportPushProgress(job: JobRecord, started: number, expected: number): Promise<void> {
    const head = await this.infra.versions.head(job.id).catch(() => null);
    if (!head || head.version === 0) return;
    const progress = Math.min(0.99, head.version / expected);
    const elapsed = (Date.now() - started) / 1000;
    this.events.publish(job, 'progress', undefined, { progress, etaSeconds: Math.round((elapsed / progress) * (1 - progress)) });
  }

  /** Metrics of weights version `version` on the job's validation dataset, as `val_*`; none without one. */
  private async validate(job: JobRecord, version: number, collector: ResultCollector, signal: AbortSignal): Promise<Record<string, number>> {
    const datasetId = job.spec.training.validationDatasetId;
    if (!datasetId) return {};
    const manifest = await this.infra.store.getJson<DatasetManifest>(datasetManifestKey(datasetId));
    const { metrics } = await evaluateOnWorkers({
      infra: this.infra, collector, jobId: job.id, round: version, manifest, weightsKey: weightsKey(job.id, version),
      evaluationId: `val-${version}`, batchSize: 256, timeoutMs: this.env.TUSK_ROUND_TIMEOUT_S * 1000, signal,
    });
    return Object.fromEntries(Object.entries(metrics).map(([name, value]) => [`val_${name}`, value]));
  }

  /** FedAvg: the sample-weighted mean of the partitions' deltas, added to this round's weights. */
  private async averageRound(jobId: string, round: number, results: ResultMessage[]): Promise<void> {
    const base = bytesToFloat32(await this.infra.blobs.get(weightsKey(jobId, round)));
    const deltas = await Promise.all(results.map(async (r) => {
      if (!r.deltaKey) throw new Error(`partition ${r.partition} sent no delta in round ${round}`);
      const bytes = await this.infra.blobs.get(r.deltaKey);
      return { delta: r.deltaEncoding === 'float16' ? decodeFloat16(bytes) : bytesToFloat32(bytes), samples: r.samples, partition: r.partition };
    }));
    const poisoned = deltas.find((d) => hasNonFinite(d.delta));
    if (poisoned) throw new Error(`partition ${poisoned.partition} sent a delta with NaN or Inf in round ${round}`);
    const next = applyDelta(base, averageDeltas(deltas));
    await this.infra.blobs.put(weightsKey(jobId, round + 1), float32ToBytes(next));
  }

  private async finish(job: JobRecord): Promise<void> {
    const { model: topology, compile, training } = job.spec;
    const model = await buildModel({ topology, compile, seed: training.seed });
    try {
      setFlatWeights(model, bytesToFloat32(await this.infra.blobs.get(weightsKey(job.id, job.round))));
      const files = await toArtifactFiles(model);
      await this.infra.store.putBytes(modelWeightsKey(job.id), files.weightsBin);
      await this.infra.store.putJson(modelJsonKey(job.id), files.modelJson);
    } finally {
      model.optimizer?.dispose();
      model.dispose();
    }
    const done = await this.jobs.update(job.id, (j) => {
      if (j.status !== 'running') return;
      Object.assign(j, { status: 'succeeded', modelReady: true, finishedAt: new Date().toISOString() });
    });
    this.events.publish(done, 'status');
    this.logger.log(`job ${job.id} ${done.status} after ${done.round} rounds`);
  }

  private async fail(jobId: string, reason: string): Promise<void> {
    this.logger.error(`job ${jobId} failed: ${reason}`);
    const failed = await this.jobs.update(jobId, (j) => {
      if (FINAL_STATUSES.includes(j.status)) return;
      Object.assign(j, { status: 'failed', error: reason, finishedAt: new Date().toISOString() });
    });
    this.events.publish(failed, 'status');
    await this.purgeTasks(jobId);
  }

  private async purgeTasks(jobId: string): Promise<void> {
    await this.infra.jsm.streams.purge(TASKS_STREAM, { filter: jobTasksFilter(jobId) }).catch(() => undefined);
  }

  /** Drops a finished job's results from the stream. */
  async purgeResults(jobId: string): Promise<void> {
    await this.infra.jsm.streams.purge(RESULTS_STREAM, { filter: resultSubject(jobId) }).catch(() => undefined);
  }
}
