import { encodeMessage, taskId, taskSubject, type DatasetManifest, type TaskMessage } from '@tusk/contracts';
import type { Infra } from '@tusk/infra';
import { ResultCollector } from './result-collector.js';
import { weightedMetrics } from './round-math.js';

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
export async function evaluateOnWorkers({ infra, collector, jobId, round, manifest, weightsKey, evaluationId, batchSize, timeoutMs, signal }: {
  infra: Infra; collector: ResultCollector; jobId: string; round: number; manifest: DatasetManifest; weightsKey: string;
  evaluationId: string; batchSize: number; timeoutMs: number; signal: AbortSignal;
}): Promise<{ samples: number; metrics: Record<string, number> }> {
  const group = ResultCollector.groupOf({ kind: 'evaluate', round, evaluationId });
  const seen = collector.received(group);
  for (const part of manifest.partitions.filter((p) => !seen.has(p.index))) {
    const task: TaskMessage = { jobId, kind: 'evaluate', round, partition: part.index, datasetId: manifest.id, evaluationId, weightsKey, epochs: 0, batchSize, seed: 0 };
    await infra.js.publish(taskSubject(task), encodeMessage(task), { msgID: taskId(task) });
  }
  const results = await collector.waitFor({ group, partitions: manifest.partitions.map((p) => p.index), timeoutMs, signal });
  collector.forget(group);
  const failed = results.find((r) => !r.ok);
  if (failed) throw new EvaluationFailedError(`evaluation of part ${failed.partition} failed on ${failed.workerId}: ${failed.error}`);
  return { samples: results.reduce((n, r) => n + r.samples, 0), metrics: weightedMetrics(results) };
}
