import { Inject, Injectable, Logger } from '@nestjs/common';
import { isTraining, MAX_MEMBERSHIP_EVENTS, type JobRecord } from '@tusk/contracts';
import { WorkerLiveness } from '../liveness/worker-liveness.js';
import { JobEvents } from './job-events.js';
import { JobStore } from './job-store.js';
import { membershipChanges, nextMembers } from './membership-math.js';
import { TaskDispatcher } from './task-dispatcher.js';

/** How long a job may wait for `minWorkers` when it does not say. */
export const DEFAULT_WORKER_WAIT_S = 600;

/** The job stayed short of `minWorkers` for longer than `workerWaitSeconds`. */
export class WorkersMissingError extends Error {
  readonly transient = false;
}

/**
 * Follows the workers training one synchronous job during one run of its loop (Horovod's elastic mode): every
 * change is recorded in `membership` and sent as a `membership` event; with fewer members than `minWorkers` the
 * job is `waiting` until they come back, at most `workerWaitSeconds`. Partitions stay fixed, so membership never
 * changes what is computed: the rounds wait, nothing restarts.
 */
export class MembershipWatch {
  private readonly logger = new Logger('Membership');
  private current: string[];
  private status: JobRecord['status'];
  private waitingSince?: number;
  private readonly release: () => void;

  constructor(
    private readonly job: JobRecord,
    private readonly deps: { liveness: WorkerLiveness; jobs: JobStore; events: JobEvents; dispatcher: TaskDispatcher },
  ) {
    this.current = job.membership?.at(-1)?.members ?? [];
    this.status = job.status;
    this.waitingSince = job.waitingSince ? Date.parse(job.waitingSince) : undefined;
    // With maxWorkers, the job's tasks go to its members only.
    this.release = job.spec.training.maxWorkers ? deps.dispatcher.limitTo(job.id, () => this.current) : () => undefined;
  }

  /** The workers training the job, as the last check found them. */
  get members(): readonly string[] {
    return this.current;
  }

  /** The run of the job's loop ended: its tasks are no longer limited to these members. */
  stop(): void {
    this.release();
  }

  /** Looks at who is live now; true while the job is short of workers (its rounds are waiting, not stalled). */
  async check(round: number): Promise<boolean> {
    const { minWorkers = 0, maxWorkers, workerWaitSeconds = DEFAULT_WORKER_WAIT_S } = this.job.spec.training;
    const { live, silent, settled } = this.deps.liveness.roster();
    if (!settled) return false;
    const next = nextMembers({ previous: this.current, live, maxWorkers });
    const short = next.length < minWorkers;
    const status = short ? 'waiting' : 'running';
    const at = new Date().toISOString();
    const changes = membershipChanges({ previous: this.current, next, silent, round, at });
    if (changes.length > 0 || status !== this.status) {
      const updated = await this.deps.jobs.update(this.job.id, (j) => {
        if (!isTraining(j.status)) return;
        j.membership = [...(j.membership ?? []), ...changes].slice(-MAX_MEMBERSHIP_EVENTS);
        j.status = status;
        if (short) j.waitingSince ??= at;
        else delete j.waitingSince;
      });
      if (!isTraining(updated.status)) return false;
      this.current = next;
      for (const change of changes) {
        this.logger.log(`${change.workerId} ${change.change} (${next.length} member(s))`, { jobId: this.job.id, round });
        this.deps.events.publishMembership(updated, change);
      }
      if (status !== this.status) {
        this.logger.log(short ? `waiting: ${next.length} of ${minWorkers} worker(s) live` : 'workers are back', { jobId: this.job.id });
        this.deps.events.publish(updated, 'status');
      }
      this.status = status;
      this.waitingSince = updated.waitingSince ? Date.parse(updated.waitingSince) : undefined;
    }
    if (short && this.waitingSince !== undefined && Date.now() - this.waitingSince > workerWaitSeconds * 1000)
      throw new WorkersMissingError(
        `waited ${workerWaitSeconds} s (training.workerWaitSeconds) for training.minWorkers=${minWorkers} worker(s); ${next.length} live`,
      );
    return short;
  }
}

/** Makes a MembershipWatch per run of a synchronous job's loop. */
@Injectable()
export class JobMembership {
  constructor(
    @Inject(WorkerLiveness) private readonly liveness: WorkerLiveness,
    @Inject(JobStore) private readonly jobs: JobStore,
    @Inject(JobEvents) private readonly events: JobEvents,
    @Inject(TaskDispatcher) private readonly dispatcher: TaskDispatcher,
  ) {}

  /** A watch for one run of the job's loop (synchronous jobs only); `stop()` it when the run ends. */
  follow(job: JobRecord): MembershipWatch | undefined {
    if (job.spec.training.mode !== 'synchronous') return undefined;
    return new MembershipWatch(job, { liveness: this.liveness, jobs: this.jobs, events: this.events, dispatcher: this.dispatcher });
  }
}
