import { Inject, Injectable, Logger } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { JOB_STATUSES, TASKS_CONSUMER, TASKS_STREAM, type JobStatus } from '@tusk/contracts';
import { Infra } from '@tusk/infra';
import { JobStore } from '../jobs/job-store.js';

/** Where the gauges read at scrape time come from: the jobs bucket and the task consumer. */
export interface StateSources {
  jobStatuses: () => Promise<JobStatus[]>;
  /**
   * Tasks of the shared queue not yet delivered (`waiting`) and delivered but not acked (`held`), and tasks addressed to
   * the worker holding their partition (`addressed`, waiting for it or held by it).
   */
  pendingTasks: () => Promise<{ waiting: number; held: number; addressed: number }>;
}

/** A scrape must not hang on NATS: past this, the gauge is left out of that scrape. */
export const SCRAPE_READ_TIMEOUT_MS = 2_000;

const within = <T>(ms: number, work: Promise<T>): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    work.then(resolve, reject).finally(() => clearTimeout(timer));
  });

/** How many jobs are in each status, from a list of statuses; every status present, 0 included. */
export function countByStatus(statuses: JobStatus[]): Record<JobStatus, number> {
  const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
  for (const s of statuses) counts[s] += 1;
  return counts;
}

/**
 * Gauges computed when Prometheus scrapes, from durable state rather than from this driver's memory,
 * so they are right after a driver restart and with several drivers. A read that fails or is slow
 * leaves the gauge out of that scrape instead of reporting a stale value.
 */
export function registerStateGauges(registry: Registry, sources: StateSources, { timeoutMs = SCRAPE_READ_TIMEOUT_MS } = {}): void {
  const logger = new Logger('StateGauges');
  new Gauge({
    name: 'tusk_jobs',
    help: 'Jobs in the jobs bucket, by status.',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      this.reset();
      try {
        const counts = countByStatus(await within(timeoutMs, sources.jobStatuses()));
        for (const status of JOB_STATUSES) this.set({ status }, counts[status]);
      } catch (err) {
        logger.warn(`tusk_jobs left out of this scrape: ${(err as Error).message}`);
      }
    },
  });
  new Gauge({
    name: 'tusk_tasks_pending',
    help: 'Tasks in the task stream: in the shared queue waiting for a worker or held by one, or addressed to one worker.',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      this.reset();
      try {
        const { waiting, held, addressed } = await within(timeoutMs, sources.pendingTasks());
        this.set({ state: 'waiting' }, waiting);
        this.set({ state: 'held' }, held);
        this.set({ state: 'addressed' }, addressed);
      } catch (err) {
        logger.warn(`tusk_tasks_pending left out of this scrape: ${(err as Error).message}`);
      }
    },
  });
  new Gauge({
    name: 'tusk_tasks_in_stream',
    help: 'Tasks not yet done, in the shared queue or addressed to a worker: the work the worker autoscaler scales on.',
    // A label, so that a failed read leaves the series out (a gauge without labels would report 0).
    labelNames: ['stream'],
    registers: [registry],
    async collect() {
      this.reset();
      try {
        const { waiting, held, addressed } = await within(timeoutMs, sources.pendingTasks());
        this.set({ stream: TASKS_STREAM }, waiting + held + addressed);
      } catch (err) {
        logger.warn(`tusk_tasks_in_stream left out of this scrape: ${(err as Error).message}`);
      }
    },
  });
}

/** The driver's scrape-time gauges, reading the jobs bucket, the shared task consumer and the task stream. */
@Injectable()
export class StateGauges {
  constructor(@Inject(Registry) registry: Registry, @Inject(JobStore) jobs: JobStore, @Inject(Infra) infra: Infra) {
    registerStateGauges(registry, {
      jobStatuses: async () => (await jobs.list()).map((j) => j.status),
      pendingTasks: async () => {
        const [shared, stream] = await Promise.all([
          infra.jsm.consumers.info(TASKS_STREAM, TASKS_CONSUMER),
          infra.jsm.streams.info(TASKS_STREAM),
        ]);
        // The stream holds every task until it is acked: those the shared consumer does not count are addressed.
        const addressed = Math.max(0, stream.state.messages - shared.num_pending - shared.num_ack_pending);
        return { waiting: shared.num_pending, held: shared.num_ack_pending, addressed };
      },
    });
  }
}
