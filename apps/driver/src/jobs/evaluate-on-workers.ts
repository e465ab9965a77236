import type { DatasetManifest, TaskMessage } from '@tusk/contracts';
import { ResultCollector } from './result-collector.js';
import { weightedMetrics } from './round-math.js';
import type { TaskGroups } from './task-groups.js';

/** An evaluation task failed on a worker; the message names the part and the worker. */
export class EvaluationFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvaluationFailedError';
  }
}

/**
 * Evaluates one weights version on a dataset, one task per dataset part on the workers, and
 * averages the metrics by samples. Used by `POST /jobs/:id/evaluate` and for validation rounds.
 */
export async function evaluateOnWorkers({
  groups,
  collector,
  jobId,
  round,
  manifest,
  weightsKey,
  evaluationId,
  batchSize,
  run,
  signal,
}: {
  groups: TaskGroups;
  collector: ResultCollector;
  jobId: string;
  round: number;
  manifest: DatasetManifest;
  weightsKey: string;
  evaluationId: string;
  batchSize: number;
  /** The job's resume count (`TaskMessage.run`). */
  run?: number;
  signal: AbortSignal;
}): Promise<{ samples: number; metrics: Record<string, number> }> {
  const tasks: TaskMessage[] = manifest.partitions.map((part) => ({
    jobId,
    kind: 'evaluate',
    round,
    partition: part.index,
    datasetId: manifest.id,
    evaluationId,
    weightsKey,
    ...(run ? { run } : {}),
    epochs: 0,
    batchSize,
    seed: 0,
  }));
  const results = await groups.run({ tasks, collector, signal });
  collector.forget(ResultCollector.groupOf(tasks[0]));
  const failed = results.find((r) => !r.ok);
  if (failed) throw new EvaluationFailedError(`evaluation of part ${failed.partition} failed on ${failed.workerId}: ${failed.error}`);
  return { samples: results.reduce((n, r) => n + r.samples, 0), metrics: weightedMetrics(results) };
}
