import {
  ConflictException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import type { JobRecord, SweepRecord } from '@tusk/contracts';
import { setTimeout as sleep } from 'node:timers/promises';
import { validateJobBody } from '../jobs/dto/validate-job-body.js';
import { JobStore } from '../jobs/job-store.js';
import { Loops } from '../jobs/loops.js';
import { JobsService } from '../jobs/jobs.service.js';
import { TrainingHooks, type GateDecision } from '../jobs/training-hooks.js';
import { ashaDecision, rungsOf } from './asha.js';
import { bestTrialOf, isActive, outcomeOf, refreshTrial } from './leaderboard.js';
import { SweepStore } from './sweep-store.js';
import { trialBody } from './trial-body.js';
import { trialJobId } from './trial-id.js';

const TICK_MS = 1000;

/**
 * Runs every sweep: keeps up to maxConcurrentTrials trials running as ordinary jobs on the shared workers,
 * mirrors their progress into the leaderboard, and, as a round gate, lets ASHA stop a trial at a rung. All its
 * state is in the sweep record and the trials' job records, so a restarted driver picks every sweep up again.
 */
@Injectable()
export class SweepRunner implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SweepRunner.name);
  private readonly loops = new Loops();
  private readonly wakers = new Set<() => void>();

  constructor(
    @Inject(SweepStore) private readonly store: SweepStore,
    @Inject(JobsService) private readonly jobs: JobsService,
    @Inject(JobStore) private readonly jobStore: JobStore,
    @Inject(TrainingHooks) private readonly hooks: TrainingHooks,
  ) {}

  onModuleInit(): void {
    this.hooks.registerGate((job) => this.atRound(job));
    // A trial that ends frees its slot now, not at the next tick.
    this.hooks.onEnded(() => this.wakeAll());
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const sweep of await this.store.list()) if (sweep.status === 'running') this.start(sweep.id);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loops.stopAll();
  }

  start(id: string): void {
    this.loops.start(id, (signal) => this.run(id, signal), {
      onError: (err) => this.logger.error(`sweep ${id}: its loop ended unexpectedly: ${(err as Error)?.message ?? err}`),
    });
  }

  /** Ends the sweep's loop and cancels its trials still queued or running (the record is already final). */
  async stop(id: string): Promise<void> {
    await this.loops.stop(id);
    await this.cancelActiveTrials(id);
  }

  private async run(id: string, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        const sweep = await this.tick(id);
        if (!sweep || sweep.status !== 'running') {
          if (sweep?.status === 'failed') await this.cancelActiveTrials(id);
          return;
        }
      } catch (err) {
        // NATS or S3 away for a moment: the next tick tries again; nothing is lost, the records are the truth.
        this.logger.warn(`sweep ${id}: ${(err as Error).message}; retrying`);
      }
      await this.nap(signal);
    }
  }

  /** Waits a tick, or less when a job ends. */
  private async nap(signal: AbortSignal): Promise<void> {
    const woken = new AbortController();
    const wake = () => woken.abort();
    this.wakers.add(wake);
    try {
      await sleep(TICK_MS, undefined, { signal: AbortSignal.any([signal, woken.signal]) }).catch(() => undefined);
    } finally {
      this.wakers.delete(wake);
    }
  }

  private wakeAll(): void {
    for (const wake of [...this.wakers]) wake();
  }

  /** One pass: read the trials' jobs, start pending trials while there is room, write the leaderboard and the outcome. */
  private async tick(id: string): Promise<SweepRecord | null> {
    const sweep = await this.store.get(id);
    if (!sweep) return null;
    const jobs = await this.trialJobs(sweep);
    // The trials as their jobs now stand, to see which slots are free; written once, below.
    this.mirror(sweep, jobs);
    if (sweep.status === 'running') {
      let active = sweep.trials.filter(isActive).length;
      for (const trial of sweep.trials) {
        if (active >= sweep.spec.maxConcurrentTrials || trial.status !== 'pending') continue;
        const started = await this.startTrial(sweep, trial.index);
        if (started === 'later') break;
        jobs.set(started.id, started);
        active++;
      }
    }
    return this.store.update(id, (s) => {
      this.mirror(s, jobs);
      // Only a running sweep gets an outcome: a cancel written in between stays.
      if (s.status !== 'running') return;
      Object.assign(s, outcomeOf(s));
      if (s.status !== 'running') s.finishedAt = new Date().toISOString();
    });
  }

  private async trialJobs(sweep: SweepRecord): Promise<Map<string, JobRecord>> {
    const jobs = new Map<string, JobRecord>();
    for (const t of sweep.trials) {
      const job = t.jobId ? await this.jobStore.get(t.jobId) : null;
      if (job) jobs.set(job.id, job);
    }
    return jobs;
  }

  /** Copies what the trials' jobs say into the leaderboard; a trial whose job exists gets its id even if the record missed it. */
  private mirror(sweep: SweepRecord, jobs: Map<string, JobRecord>): void {
    for (const trial of sweep.trials) {
      const job = jobs.get(trial.jobId ?? trialJobId(sweep.id, trial.index));
      if (job) refreshTrial(Object.assign(trial, { jobId: job.id }), job, sweep);
    }
    sweep.bestTrial = bestTrialOf(sweep);
  }

  /** Creates the trial's job (or finds the one a previous driver created); 'later' when the active-job limit is reached. */
  private async startTrial(sweep: SweepRecord, index: number): Promise<JobRecord | 'later'> {
    const id = trialJobId(sweep.id, index);
    const existing = await this.jobStore.get(id);
    if (existing) return existing;
    const body = trialBody({
      baseJob: sweep.spec.baseJob,
      params: sweep.trials[index].params,
      scheduler: sweep.spec.scheduler,
      name: sweep.spec.name,
      index,
    });
    try {
      const job = await this.jobs.create(await validateJobBody(body), { id, sweepId: sweep.id });
      this.logger.log(`sweep ${sweep.id}: trial ${index} started as ${id}`, { jobId: id });
      return job;
    } catch (err) {
      if (err instanceof HttpException && err.getStatus() === HttpStatus.TOO_MANY_REQUESTS) return 'later';
      // Checked when the sweep was created, so only a changed world (a deleted dataset) lands here: the trial fails, the sweep goes on.
      const reason = err instanceof HttpException ? JSON.stringify(err.getResponse()) : (err as Error).message;
      await this.store.update(sweep.id, (s) => {
        Object.assign(s.trials[index], { status: 'failed', error: `could not start: ${reason}` });
      });
      return 'later';
    }
  }

  private async cancelActiveTrials(id: string): Promise<void> {
    const sweep = await this.store.get(id);
    for (const trial of sweep?.trials.filter(isActive) ?? []) {
      await this.jobs.cancel(trial.jobId!).catch((err) => {
        if (!(err instanceof ConflictException))
          this.logger.warn(`sweep ${id}: cancelling trial ${trial.index} failed: ${(err as Error).message}`);
      });
    }
    if (sweep) {
      const jobs = await this.trialJobs(sweep);
      await this.store.update(id, (s) => this.mirror(s, jobs));
    }
  }

  /**
   * The round gate: at an ASHA rung, records the trial's metric and decides in the same compare-and-set, so two
   * trials reaching a rung together both see each other's value; a rung already decided keeps its decision.
   */
  private async atRound(job: JobRecord): Promise<GateDecision> {
    if (!job.sweepId) return 'continue';
    const sweep = await this.store.get(job.sweepId);
    if (!sweep || sweep.spec.scheduler.type !== 'asha' || !rungsOf(sweep.spec.scheduler).includes(job.round)) return 'continue';
    const { metric, mode, scheduler } = sweep.spec;
    const value = job.history[job.round - 1]?.metrics[metric] ?? Number.NaN;
    let decision = 'continue' as GateDecision;
    await this.store.update(sweep.id, (s) => {
      // By derived id too: the tick that records the trial's job id may not have written yet.
      const trial = s.trials.find((t) => (t.jobId ?? trialJobId(s.id, t.index)) === job.id);
      if (!trial) return;
      trial.jobId = job.id;
      const decided = trial.rungs.find((r) => r.round === job.round);
      if (decided) {
        decision = decided.decision;
        return;
      }
      const recorded = s.trials.flatMap((t) => t.rungs.filter((r) => r.round === job.round).map((r) => r.value));
      decision = ashaDecision({ value, recorded, reductionFactor: scheduler.reductionFactor, mode });
      trial.rungs.push({ round: job.round, value, decision });
    });
    if (decision === 'stop')
      this.logger.log(`sweep ${sweep.id}: ASHA stops this trial at round ${job.round} (${metric} ${value})`, {
        jobId: job.id,
        round: job.round,
      });
    return decision;
  }
}
