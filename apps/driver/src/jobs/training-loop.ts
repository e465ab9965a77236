import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import {
  deltasPrefix,
  FINAL_STATUSES,
  isTraining,
  optimizerStatesPrefix,
  jobTasksFilter,
  modelJsonKey,
  modelWeightsKey,
  pushBlobsPrefix,
  RESULTS_STREAM,
  resultSubject,
  TASKS_STREAM,
  velocitiesPrefix,
  WEIGHTS_BUCKET,
  weightsKey,
  type CheckpointRecord,
  type JobRecord,
} from '@tusk/contracts';
import { jobContext } from '@tusk/config';
import { Infra } from '@tusk/infra';
import { purgeKvPrefix } from '@tusk/messaging';
import { bytesToFloat32, float32ToBytes, getFlatWeights, withBuiltModel } from '@tusk/model';
import { DriverEnv } from '../driver-env.js';
import { checkpointDue, Checkpoints } from './checkpoints.js';
import { artifactFilesOf, modelInputOf } from './job-model.js';
import { earlyStoppingState, modelVersion } from './early-stopping.js';
import { WaitAbortedError } from './job-stalled.error.js';
import { JobEvents } from './job-events.js';
import { JobStore } from './job-store.js';
import { JobMembership, type MembershipWatch } from './membership.js';
import { outlastOutages, untilDone } from './outages.js';
import { ResultCollector } from './result-collector.js';
import { Loops } from './loops.js';
import { TrainingHooks } from './training-hooks.js';
import { Rounds } from './rounds.js';
import { neededForTraining } from './training-keep.js';
import { weightsDigest } from './weights-digest.js';

/** Final jobs younger than this get their leftover blobs swept when the driver starts. */
const SWEEP_FINISHED_WITHIN_MS = 24 * 3600_000;

/**
 * Runs every queued or running job to its end, whatever its mode: synchronous rounds, or the asynchronous
 * and hogwild phases the parameter server serves. All state lives in NATS
 * (job records, weights, results), so a restarted driver resumes each job where it stood.
 */
@Injectable()
export class TrainingLoop implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TrainingLoop.name);
  private readonly loops = new Loops();

  constructor(
    @Inject(Infra) private readonly infra: Infra,
    @Inject(JobStore) private readonly jobs: JobStore,
    @Inject(JobEvents) private readonly events: JobEvents,
    @Inject(Rounds) private readonly rounds: Rounds,
    @Inject(DriverEnv) private readonly env: DriverEnv,
    @Inject(TrainingHooks) private readonly hooks: TrainingHooks,
    @Inject(Checkpoints) private readonly checkpoints: Checkpoints,
    @Inject(JobMembership) private readonly membership: JobMembership,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const job of await this.jobs.list()) {
      if (job.status === 'queued' || isTraining(job.status)) {
        this.logger.log(`resuming the job at round ${job.round}/${job.totalRounds}`, jobContext({ jobId: job.id, round: job.round }));
        this.start(job.id);
      } else if (job.finishedAt && Date.now() - Date.parse(job.finishedAt) < SWEEP_FINISHED_WITHIN_MS) {
        void this.sweepBlobs(job.id);
      }
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loops.stopAll();
  }

  start(jobId: string): void {
    this.loops.start(jobId, (signal) => this.run(jobId, signal), {
      onError: (err) =>
        this.logger.error(`the training loop ended unexpectedly: ${(err as Error)?.message ?? err}`, (err as Error)?.stack, { jobId }),
      ended: () => this.hooks.ended(jobId),
    });
  }

  /** Stops the loop and removes the job's queued tasks; the record is marked cancelled by the caller. */
  async stop(jobId: string): Promise<void> {
    await this.loops.stop(jobId);
    await this.purgeTasks(jobId);
    await this.sweepBlobs(jobId);
  }

  private async run(jobId: string, signal: AbortSignal): Promise<void> {
    const retrying = <T>(what: string, step: () => Promise<T>) =>
      outlastOutages({ what, job: { jobId }, limitS: this.env.TUSK_OUTAGE_LIMIT_S, signal, logger: this.logger, step });
    // The round the loop has reached: results of earlier rounds are late, and their blobs can go.
    const progress = { round: 0 };
    const collector = new ResultCollector({
      js: this.infra.js,
      jsm: this.infra.jsm,
      jobId,
      replayTimeoutMs: this.env.TUSK_REQUEST_TIMEOUT_MS * 2,
      keep: (r) => neededForTraining(r, progress.round),
      onStray: (r) => {
        if (r.deltaKey) void this.infra.blobs.delete(r.deltaKey).catch(() => undefined);
      },
    });
    let membership: MembershipWatch | undefined;
    try {
      let job = await retrying('reading the job', () => this.jobs.get(jobId));
      if (!job || FINAL_STATUSES.includes(job.status)) return;
      progress.round = job.round;
      await retrying('replaying results', () => collector.start());
      if (job.status === 'queued') job = await retrying('initial weights', () => this.initialize(job!));
      let ending: 'succeeded' | 'stopped' = 'succeeded';
      membership = this.membership.follow(job);
      while (job.round < job.totalRounds) {
        if (signal.aborted || !isTraining(job.status)) return;
        // Decided from the history alone, so a driver that restarts here stops the job too.
        const { earlyStopping } = job.spec.training;
        if (earlyStopping && earlyStoppingState(earlyStopping, job.history).stop) break;
        // Asked before each round, so a decision the driver did not live to act on is made again on resume.
        if (job.round > 0 && (await retrying('asking the round gates', () => this.hooks.decide(job!))) === 'stop') {
          ending = 'stopped';
          break;
        }
        const current: JobRecord = job;
        // Short of minWorkers, the next round waits for them (membership.check fails the job past its limit).
        const watch = membership;
        while (watch && (await retrying('watching membership', () => watch.check(current.round))))
          await sleep(1_000, undefined, { signal });
        // A round cut short by an outage is redone from the job record: rounds are idempotent.
        job = await retrying(`round ${job.round}`, async () =>
          this.rounds.run((await this.jobs.get(jobId)) ?? current, collector, signal, membership),
        );
        progress.round = job.round;
        if (checkpointDue(job)) job = await retrying(`checkpoint of round ${job.round}`, () => this.checkpoints.save(job!));
      }
      await this.rounds.cleanedUp(jobId);
      if (isTraining(job.status)) await retrying('saving the model', () => this.finish(job!, ending));
    } catch (err) {
      if (err instanceof WaitAbortedError || signal.aborted) return;
      await this.fail(jobId, err instanceof Error ? err.message : String(err), signal);
    } finally {
      membership?.stop();
      await this.rounds.cleanedUp(jobId);
      await collector.stop().catch(() => undefined);
    }
  }

  private async initialize(job: JobRecord): Promise<JobRecord> {
    const { training } = job.spec;
    const initial = float32ToBytes(await this.initialWeights(job));
    await this.infra.blobs.put(weightsKey(job.id, 0), initial);
    if (training.mode !== 'synchronous' && !(await this.infra.versions.head(job.id))) await this.infra.versions.init(job.id, initial);
    const next = await this.jobs.update(job.id, (j) => {
      if (j.status === 'queued')
        Object.assign(j, {
          status: 'running',
          startedAt: new Date().toISOString(),
          round: 0,
          initialWeightsSha256: weightsDigest(initial),
        });
    });
    this.events.publish(next, 'status');
    this.logger.log(`started: ${training.mode}, ${next.totalRounds} round(s) on ${training.partitions} partition(s)`, { jobId: job.id });
    return next;
  }

  /** The weights the job names in `initialWeights` (checked when it was created), else the model's seeded initialisation. */
  private async initialWeights(job: JobRecord): Promise<Float32Array> {
    const { initialWeights } = job.spec;
    if (initialWeights) return this.checkpoints.initialWeights(initialWeights, job.spec);
    return withBuiltModel(modelInputOf(job.spec), getFlatWeights);
  }

  /**
   * Before a failed or cancelled job goes on from `checkpoint`: its queued tasks and every result it got are
   * removed (rounds from the checkpoint on are trained again), and the checkpoint's weights become that round's.
   */
  async prepareResume(job: JobRecord, checkpoint: CheckpointRecord): Promise<void> {
    await this.loops.stop(job.id);
    await this.purgeTasks(job.id);
    await this.infra.jsm.streams.purge(RESULTS_STREAM, { filter: resultSubject(job.id) });
    await this.infra.blobs.put(weightsKey(job.id, checkpoint.round), await this.checkpoints.bytesOf(job.id, checkpoint));
  }

  /**
   * Saves the model (the newest round's weights, or the best round's with early stopping) and ends the job
   * `succeeded`, or `stopped` when a gate ended it early.
   */
  private async finish(job: JobRecord, status: 'succeeded' | 'stopped'): Promise<void> {
    if (!job.checkpoints?.some((c) => c.round === job.round)) job = await this.checkpoints.save(job);
    const { training } = job.spec;
    const files = await artifactFilesOf(job.spec, bytesToFloat32(await this.infra.blobs.get(weightsKey(job.id, modelVersion(job)))));
    await this.infra.store.putBytes(modelWeightsKey(job.id), files.weightsBin);
    await this.infra.store.putJson(modelJsonKey(job.id), files.modelJson);
    const done = await this.jobs.update(job.id, (j) => {
      if (!isTraining(j.status)) return;
      Object.assign(j, { status, modelReady: true, finishedAt: new Date().toISOString() });
      delete j.waitingSince;
      if (training.earlyStopping) j.stoppedEarly = j.round < j.totalRounds && status === 'succeeded';
    });
    this.events.publish(done, 'status');
    const early = done.stoppedEarly ? `, stopped early (the model is round ${modelVersion(done)}'s)` : '';
    this.logger.log(`${done.status} after ${done.round} round(s)${early}`, { jobId: job.id });
    await this.sweepBlobs(job.id);
  }

  /** Records the failure however long NATS stays away (the driver stopping is the only way out), then cleans up. */
  private async fail(jobId: string, reason: string, signal: AbortSignal): Promise<void> {
    this.logger.error(`failed: ${reason}`, { jobId });
    await untilDone({
      what: 'recording its failure',
      job: { jobId },
      signal,
      logger: this.logger,
      step: async () => {
        const failed = await this.jobs.update(jobId, (j) => {
          if (FINAL_STATUSES.includes(j.status)) return;
          Object.assign(j, { status: 'failed', error: reason, finishedAt: new Date().toISOString() });
        });
        this.events.publish(failed, 'status');
      },
    });
    await this.purgeTasks(jobId);
    await this.sweepBlobs(jobId);
  }

  private async purgeTasks(jobId: string): Promise<void> {
    await this.infra.jsm.streams
      .purge(TASKS_STREAM, { filter: jobTasksFilter(jobId) })
      .catch((err) => this.logger.warn(`purging its tasks failed: ${err}`, { jobId }));
  }

  /** Deltas, optimizer states, server velocities and pushed blobs of a job that has ended: nothing will read them again. */
  private async sweepBlobs(jobId: string): Promise<void> {
    for (const prefix of [deltasPrefix(jobId), optimizerStatesPrefix(jobId), velocitiesPrefix(jobId), pushBlobsPrefix(jobId)]) {
      await purgeKvPrefix({ jsm: this.infra.jsm, bucket: WEIGHTS_BUCKET, prefix }).catch((err) =>
        this.logger.warn(`sweeping ${prefix} failed: ${err}`, { jobId }),
      );
    }
  }
}
