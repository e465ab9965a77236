import { Inject, Injectable, Logger } from '@nestjs/common';
import { encodeMessage, eventSubject, type JobEvent, type JobRecord, type MembershipEvent, type RoundRecord } from '@tusk/contracts';
import { Infra } from '@tusk/infra';

/** Progress (0..1) and a naive ETA from the mean round time so far. */
export function progressOf(job: JobRecord): { progress: number; etaSeconds: number | null } {
  // A job that stopped early is done: its remaining rounds will never run.
  const total = job.stoppedEarly ? job.round : job.totalRounds;
  const progress = total === 0 ? 1 : job.round / total;
  if (job.history.length === 0) return { progress, etaSeconds: null };
  const mean = job.history.reduce((s, r) => s + r.seconds, 0) / job.history.length;
  return { progress, etaSeconds: Math.round(mean * (total - job.round)) };
}

export function eventOf(job: JobRecord, type: JobEvent['type'], record?: RoundRecord, progress = progressOf(job)): JobEvent {
  return {
    jobId: job.id,
    type,
    status: job.status,
    round: job.round,
    totalRounds: job.totalRounds,
    ...progress,
    record,
    error: job.error,
    at: new Date().toISOString(),
  };
}

/** Publishes progress on `tusk.events.<job>` for the SSE endpoint and the CLI. */
@Injectable()
export class JobEvents {
  private readonly logger = new Logger(JobEvents.name);

  constructor(@Inject(Infra) private readonly infra: Infra) {}

  /** Best effort: an event lost while NATS is away costs a client one update, never the job (the record is the truth). */
  publish(job: JobRecord, type: JobEvent['type'], record?: RoundRecord, progress?: { progress: number; etaSeconds: number | null }): void {
    this.send(job, eventOf(job, type, record, progress));
  }

  /** A change in the workers training the job. */
  publishMembership(job: JobRecord, membership: MembershipEvent): void {
    this.send(job, { ...eventOf(job, 'membership'), membership });
  }

  private send(job: JobRecord, event: JobEvent): void {
    try {
      this.infra.nc.publish(eventSubject(job.id), encodeMessage(event));
    } catch (err) {
      this.logger.warn(`${event.type} event not sent: ${(err as Error).message}`, { jobId: job.id });
    }
  }
}
