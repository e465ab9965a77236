import type { JobRecord, JobSummary } from '@tusk/contracts';
import { progressOf } from './job-events.js';

export function summaryOf(job: JobRecord): JobSummary {
  return {
    id: job.id,
    name: job.spec.name,
    mode: job.spec.training.mode,
    datasetId: job.spec.datasetId,
    status: job.status,
    error: job.error,
    ...(job.stoppedEarly !== undefined ? { stoppedEarly: job.stoppedEarly } : {}),
    round: job.round,
    totalRounds: job.totalRounds,
    ...progressOf(job),
    lastMetrics: job.history.at(-1)?.metrics ?? {},
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
  };
}
