import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  datasetManifestKey,
  deltasPrefix,
  optimizerStatesPrefix,
  velocityKey,
  WEIGHTS_BUCKET,
  weightsKey,
  type DatasetManifest,
  type JobRecord,
  type PushStats,
  type ResultMessage,
  type TaskMessage,
} from '@tusk/contracts';
import { Infra } from '@tusk/infra';
import { purgeKvPrefix } from '@tusk/messaging';
import { applyDelta, bytesToFloat32, decodeFloat16, float32ToBytes, hasNonFinite, mixSeed } from '@tusk/model';
import { DriverEnv } from '../driver-env.js';
import { DriverMetrics } from '../metrics/driver-metrics.js';
import { earlyStoppingState } from './early-stopping.js';
import { evaluateOnWorkers } from './evaluate-on-workers.js';
import { JobEvents } from './job-events.js';
import { JobStore } from './job-store.js';
import type { MembershipWatch } from './membership.js';
import { ResultCollector } from './result-collector.js';
import { roundLearningRate } from './round-learning-rate.js';
import { expectedPushes, previousOptimizerState, roundPlan, roundRecord } from './round-math.js';
import { withServerMomentum } from './server-momentum.js';
import { ResultArrivals } from './result-arrivals.js';
import { streamedAverage, type ArrivingResults } from './streamed-average.js';
import { TaskGroups } from './task-groups.js';
import { validationId } from './training-keep.js';
import { VersionCurve } from './version-curve.js';
import { weightsDigest } from './weights-digest.js';

const ASYNC_PROGRESS_MS = 2_000;

/** The seed of one partition's task in one round: a pure function of the job's seed, so reruns match. */
export const taskSeed = ({ seed, round, partition }: { seed: number; round: number; partition: number }): number =>
  mixSeed(seed, round, partition);

/**
 * One round of a job: publish a task per partition, wait for every result, then (synchronous) average the
 * deltas by samples in partition order, or (asynchronous, hogwild: one long round) freeze the parameter
 * server's newest version. Every step can be redone after a driver restart with the same outcome.
 */
@Injectable()
export class Rounds {
  private readonly logger = new Logger(Rounds.name);
  private readonly cleanups = new Map<string, Promise<void>>();

  constructor(
    @Inject(Infra) private readonly infra: Infra,
    @Inject(JobStore) private readonly jobs: JobStore,
    @Inject(JobEvents) private readonly events: JobEvents,
    @Inject(TaskGroups) private readonly groups: TaskGroups,
    @Inject(DriverMetrics) private readonly metrics: DriverMetrics,
    @Inject(DriverEnv) private readonly env: DriverEnv,
  ) {}

  async run(job: JobRecord, collector: ResultCollector, signal: AbortSignal, membership?: MembershipWatch): Promise<JobRecord> {
    const { training } = job.spec;
    const round = job.round;
    const synchronous = training.mode === 'synchronous';
    const plan = roundPlan(training, round);
    const started = Date.now();
    const learningRate = roundLearningRate(job);
    const tasks: TaskMessage[] = Array.from({ length: training.partitions }, (_, partition) => ({
      jobId: job.id,
      kind: 'train',
      round,
      partition,
      datasetId: job.spec.datasetId,
      weightsKey: weightsKey(job.id, round),
      epochs: plan.epochs,
      batchSize: training.batchSize,
      seed: taskSeed({ seed: training.seed, round: plan.seedRound, partition }),
      ...(plan.slice ? { slice: plan.slice } : {}),
      optimizerKey: previousOptimizerState(job, partition),
      ...(job.resumes?.length ? { run: job.resumes.length } : {}),
      ...learningRate.task,
    }));
    const asyncRound = synchronous ? undefined : await this.followPushes(job, started);
    // Averaging starts with the first results: their deltas are fetched while the slowest partitions still train.
    const group = ResultCollector.groupOf(tasks[0]);
    const arrivals = synchronous ? new ResultArrivals(collector, group, tasks.length, signal) : undefined;
    const averaging = arrivals && this.average(job.id, round, arrivals);
    averaging?.catch(() => undefined); // awaited below unless the round fails first
    const shortOfWorkers = membership && (() => membership.check(round));
    const results = await this.groups.run({ tasks, collector, signal, moved: asyncRound?.moved, shortOfWorkers }).finally(() => {
      asyncRound?.stop();
      arrivals?.stop();
    });
    const failed = results.find((r) => !r.ok);
    if (failed) throw new Error(`partition ${failed.partition} failed in round ${round}: ${failed.error ?? 'unknown error'}`);

    let pushStats: PushStats | undefined;
    let next: Uint8Array;
    if (averaging) {
      next = await averaging;
      const beta = training.serverMomentum ?? 0;
      if (beta > 0) next = await withServerMomentum({ blobs: this.infra.blobs, jobId: job.id, round, beta, averaged: next });
    } else {
      // Every partition is done: close the head so that no late push (a worker that was cut off) lands after it.
      const live = await this.infra.versions.close(job.id);
      next = live.bytes;
      pushStats = live.stats;
    }
    await this.infra.blobs.put(weightsKey(job.id, round + 1), next);

    const validation = await this.validate(job, round + 1, collector, signal);
    const record = roundRecord({
      round: round + 1,
      epoch: plan.endEpoch,
      epochsTrained: plan.epochs,
      results,
      seconds: (Date.now() - started) / 1000,
    });
    Object.assign(record.metrics, validation);
    Object.assign(record, { weightsSha256: weightsDigest(next), ...learningRate.record });
    const { earlyStopping } = training;
    const bestRound = earlyStopping ? earlyStoppingState(earlyStopping, [...job.history, record]).bestRound : undefined;
    let recorded = false;
    const updated = await this.jobs.update(job.id, (j) => {
      recorded = j.round === round;
      if (!recorded) return;
      j.round = round + 1;
      j.history.push(record);
      j.backends = [...new Set([...j.backends, ...results.map((r) => r.backend)])];
      if (pushStats) j.pushStats = pushStats;
      if (bestRound !== undefined) j.bestRound = bestRound;
    });
    // Counted only by the update that recorded it: a round redone after a restart or an outage counts once.
    if (recorded) this.metrics.roundCompleted({ mode: training.mode, seconds: record.seconds });
    this.events.publish(updated, 'round', record);
    const shown = Object.entries(record.metrics)
      .map(([name, value]) => `${name}=${value.toFixed(4)}`)
      .join(' ');
    this.logger.log(`round ${round} done (${round + 1}/${job.totalRounds}) in ${record.seconds.toFixed(1)} s: ${shown}`, {
      jobId: job.id,
      round,
    });
    collector.forget(group);
    // Every delta of the round goes, the used ones and any a late or duplicate attempt wrote. Off the round's path:
    // the next round starts meanwhile (it touches none of these keys); `cleanedUp` waits for it before the job ends.
    const cleanup = () =>
      Promise.all([
        purgeKvPrefix({ jsm: this.infra.jsm, bucket: WEIGHTS_BUCKET, prefix: deltasPrefix(job.id, round) }),
        // This round's tasks started from the previous round's optimizer states: those are spent now.
        ...(round > 0
          ? [purgeKvPrefix({ jsm: this.infra.jsm, bucket: WEIGHTS_BUCKET, prefix: optimizerStatesPrefix(job.id, round - 1) })]
          : []),
        // The weights this round started from, and the previous best round's once a later round beat it.
        ...[...new Set([round, job.bestRound ?? round])]
          .filter((version) => version !== updated.bestRound)
          .map((version) => this.infra.blobs.delete(weightsKey(job.id, version))),
        ...(training.serverMomentum ? [this.infra.blobs.delete(velocityKey(job.id, round))] : []),
      ]).then(
        () => undefined,
        (err) => this.logger.warn(`cleanup of round ${round} failed: ${err}`, { jobId: job.id, round }),
      );
    // Chained, so one job's cleanups never pile up behind a slow store.
    this.cleanups.set(job.id, (this.cleanups.get(job.id) ?? Promise.resolve()).then(cleanup));
    return updated;
  }

  /** Waits for the job's round cleanups still running. */
  async cleanedUp(jobId: string): Promise<void> {
    const pending = this.cleanups.get(jobId);
    if (!pending) return;
    await pending;
    if (this.cleanups.get(jobId) === pending) this.cleanups.delete(jobId);
  }

  /**
   * FedAvg: the sample-weighted mean of the partitions' deltas, streamed in partition order, added to this round's
   * weights; with one partition, the weights it trained, as they are.
   */
  private async average(jobId: string, round: number, results: ArrivingResults): Promise<Uint8Array> {
    if (results.count === 1) {
      const only = await results.of(0);
      if (only.deltaHolds === 'weights') return this.trainedWeights(only, round);
    }
    const { mean } = await streamedAverage({
      results,
      round,
      fetchAhead: this.env.TUSK_DELTA_FETCH_AHEAD,
      get: (key) => this.infra.blobs.get(key),
      onFetched: (bytes) => this.metrics.deltaReceived(bytes),
    });
    // The weights are read after the deltas: they are not held while the deltas stream in.
    const base = bytesToFloat32(await this.infra.blobs.get(weightsKey(jobId, round)));
    return float32ToBytes(applyDelta(base, mean));
  }

  /** A job of one partition gets its trained weights back rather than a delta: base + (after − base) is not exact in float32. */
  private async trainedWeights(result: ResultMessage, round: number): Promise<Uint8Array> {
    if (!result.deltaKey) throw new Error(`partition ${result.partition} sent no weights in round ${round}`);
    const bytes = await this.infra.blobs.get(result.deltaKey);
    this.metrics.deltaReceived(bytes.byteLength);
    const weights = result.deltaEncoding === 'float16' ? decodeFloat16(bytes) : bytesToFloat32(bytes);
    if (hasNonFinite(weights)) throw new Error(`partition ${result.partition} sent weights with NaN or Inf in round ${round}`);
    return float32ToBytes(weights);
  }

  /**
   * While an asynchronous job trains: `moved()`, which the stall watch polls, reads the parameter server's head
   * and tells whether a push landed since it last asked; every 2 s a progress event reports the version it read
   * and the pushes' curve points received since the last tick go into the record (`stop()` stores the rest).
   */
  private async followPushes(job: JobRecord, started: number): Promise<{ moved: () => Promise<boolean>; stop: () => Promise<void> }> {
    const expected = expectedPushes(
      job.spec.training,
      await this.infra.store.getJson<DatasetManifest>(datasetManifestKey(job.spec.datasetId)),
    );
    // Listening before any task is published, so the first push's point is not missed.
    const curve = new VersionCurve({ nc: this.infra.nc, jobs: this.jobs, jobId: job.id, round: job.round });
    let version = 0;
    let lastRevision = -1;
    const timer = setInterval(() => {
      void curve.write();
      if (version === 0) return;
      const progress = Math.min(0.99, version / expected);
      const elapsed = (Date.now() - started) / 1000;
      this.events.publish(job, 'progress', undefined, { progress, etaSeconds: Math.round((elapsed / progress) * (1 - progress)) });
    }, ASYNC_PROGRESS_MS);
    return {
      moved: async () => {
        const head = await this.infra.versions.head(job.id).catch(() => null);
        if (!head || head.revision === lastRevision) return false;
        lastRevision = head.revision;
        version = head.version;
        return true;
      },
      stop: async () => {
        clearInterval(timer);
        await curve.close().catch((err) => this.logger.warn(`job ${job.id}: last version points not stored: ${(err as Error).message}`));
      },
    };
  }

  /** Metrics of weights version `version` on the job's validation dataset, as `val_*`; none without one. */
  private async validate(
    job: JobRecord,
    version: number,
    collector: ResultCollector,
    signal: AbortSignal,
  ): Promise<Record<string, number>> {
    const datasetId = job.spec.training.validationDatasetId;
    if (!datasetId) return {};
    const manifest = await this.infra.store.getJson<DatasetManifest>(datasetManifestKey(datasetId));
    const { metrics } = await evaluateOnWorkers({
      groups: this.groups,
      collector,
      jobId: job.id,
      round: version,
      manifest,
      weightsKey: weightsKey(job.id, version),
      evaluationId: validationId(version),
      batchSize: 256,
      run: job.resumes?.length,
      signal,
    });
    return Object.fromEntries(Object.entries(metrics).map(([name, value]) => [`val_${name}`, value]));
  }
}
