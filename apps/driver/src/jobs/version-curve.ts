import { Logger } from '@nestjs/common';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { eventSubject, type JobEvent, type VersionPoint } from '@tusk/contracts';
import type { JobStore } from './job-store.js';
import { fitVersionPoints } from './version-thinning.js';

/** How long the last flush may wait for NATS: the round's end never waits on a curve. */
const CLOSE_FLUSH_MS = 2_000;

/** The point of a `version` event on the job's events subject; null for every other event (or junk). */
function pointIn(msg: Msg): VersionPoint | null {
  try {
    const event = msg.json<JobEvent>();
    return event?.type === 'version' && Number.isFinite(event.point?.version) ? event.point! : null;
  } catch {
    return null;
  }
}

/**
 * The per-version curve of one asynchronous round: listens to the parameter servers' `version` events and
 * writes the points received into `job.versions`, thinned, one compare-and-set per `write()`. Best effort:
 * events published while NATS is away are lost (one point each); the weights never depend on them.
 */
export class VersionCurve {
  private readonly logger = new Logger(VersionCurve.name);
  private received: VersionPoint[] = [];
  private readonly subscription: Subscription;
  private writing: Promise<void> | null = null;

  constructor(private readonly options: { nc: NatsConnection; jobs: JobStore; jobId: string; round: number }) {
    this.subscription = options.nc.subscribe(eventSubject(options.jobId), {
      callback: (err, msg) => {
        const point = err ? null : pointIn(msg);
        if (point) this.received.push(point);
      },
    });
  }

  /** Stores the points received since the last write; skipped while a write is still running (at most one at a time). */
  write(): Promise<void> {
    if (this.writing || this.received.length === 0) return this.writing ?? Promise.resolve();
    const fresh = this.received;
    this.received = [];
    const { jobs, jobId, round } = this.options;
    this.writing = jobs
      .update(jobId, (job) => {
        if (job.round !== round) return; // the round is over: a late write must not touch the next one
        job.versions = fitVersionPoints([...(job.versions ?? []), ...fresh]);
      })
      .then(
        () => undefined,
        (err: unknown) => {
          this.received = [...fresh, ...this.received]; // tried again with the next write
          this.logger.warn(`job ${jobId}: ${fresh.length} version points not stored yet: ${(err as Error).message}`);
        },
      )
      .finally(() => {
        this.writing = null;
      });
    return this.writing;
  }

  /**
   * Takes in every event NATS delivered up to now (a flush round trip, not waited for long while NATS is away), stops
   * listening, and stores the rest.
   */
  async close(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_FLUSH_MS);
    });
    await Promise.race([this.options.nc.flush().catch(() => undefined), giveUp]).finally(() => clearTimeout(timer));
    this.subscription.unsubscribe();
    await this.writing;
    await this.write();
  }
}
