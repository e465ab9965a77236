import type * as tf from '@tensorflow/tfjs';
import { pushStep, resumePoint, STALE_RETRIES, type JobRecord, type TaskMessage } from '@tusk/contracts';
import { permutation } from '@tusk/data';
import {
  computeDelta,
  evaluateRows,
  getFlatWeights,
  kerasMetricNames,
  learningRateAt,
  mixSeed,
  resetOptimizer,
  setFlatWeights,
  setLearningRate,
  trainOnRows,
} from '@tusk/model';
import { allRows, type PartitionTensors } from './partition-tensors.js';
import type { ParameterServerClient } from './ps-client.js';

/** What the trainer needs of the parameter server client: the task's pulls, pushes and ledger entry. */
export type TaskPushes = Pick<ParameterServerClient, 'pull' | 'push' | 'pushedSoFar'>;

export interface AsyncOutcome {
  metrics: Record<string, number>;
  /** The task's pushes the parameter server applied, over all its attempts (the ledger's count once this one is done). */
  pushes: number;
  /** This attempt's pushes refused as too stale. */
  rejected: number;
}

/** Row ranges of one epoch: the whole partition (frequency `epoch`) or every `pushEvery` batches. */
export function stepRanges({
  rows,
  batchSize,
  frequency,
  pushEvery,
}: {
  rows: number;
  batchSize: number;
  frequency: 'epoch' | 'batch';
  pushEvery: number;
}): [number, number][] {
  const step = frequency === 'epoch' ? rows : Math.max(1, pushEvery) * batchSize;
  const out: [number, number][] = [];
  for (let start = 0; start < rows; start += step) out.push([start, Math.min(rows, start + step)]);
  return out;
}

/**
 * Elephas' asynchronous worker: for every step, pull the newest weights, train on the step's rows,
 * push the delta. A delta refused as too stale is recomputed from fresh weights. Shuffles and dropout
 * draw from the task's seed and the optimizer starts fresh with the task, as in synchronous training.
 * An attempt goes on from where the task's earlier attempts got (the ledger's entry for the task): steps already
 * applied are not trained again, and one an attempt still running elsewhere gets to first is skipped here.
 */
export async function trainAsynchronously({
  model,
  data,
  job,
  task,
  ps,
  signal,
}: {
  model: tf.LayersModel;
  data: PartitionTensors;
  job: JobRecord;
  task: TaskMessage;
  ps: TaskPushes;
  signal?: AbortSignal;
}): Promise<AsyncOutcome> {
  const spec = job.spec.training.async!;
  resetOptimizer({ model, compile: job.spec.compile });
  let metrics: Record<string, number> | null = null;
  let rejected = 0;
  let resume = resumePoint(await ps.pushedSoFar());
  const steps = stepRanges({ rows: data.rows, batchSize: task.batchSize, frequency: spec.frequency, pushEvery: spec.pushEvery });
  for (let epoch = 0; epoch < task.epochs; epoch++) {
    const order = permutation(data.rows, mixSeed(task.seed, epoch));
    for (const [step, [start, end]] of steps.entries()) {
      const index = epoch * steps.length + step;
      if (index < resume.index) continue;
      // The rate at the step's start, as far into the job as this partition's steps have come.
      if (task.learningRatePlan) setLearningRate(model.optimizer, learningRateAt(task.learningRatePlan, epoch + step / steps.length));
      let retry = index === resume.index ? resume.retry : 0;
      while (retry <= STALE_RETRIES) {
        const { version, weights } = await ps.pull();
        setFlatWeights(model, weights);
        const pass = await trainOnRows({
          model,
          x: data.x,
          y: data.y,
          rows: order.subarray(start, end),
          batchSize: task.batchSize,
          seed: mixSeed(task.seed, epoch, step),
          signal,
        });
        // The pass's own averages (what fit logs for it): this push's point on the job's per-version curve.
        metrics = kerasMetricNames(pass.metrics);
        const delta = computeDelta(weights, getFlatWeights(model));
        const reply = await ps.push({ delta, baseVersion: version, step: pushStep({ index, retry }), metrics });
        if (reply.accepted) break;
        if (reply.duplicate) {
          // Another attempt of this task got this far first: go on from where the ledger stands.
          resume = resumePoint(await ps.pushedSoFar());
          if (resume.index !== index) break;
          retry = Math.max(retry + 1, resume.retry);
          continue;
        }
        rejected += 1; // after the last try, keep going: one refused step must not stall the partition
        retry += 1;
      }
    }
  }
  const pushes = (await ps.pushedSoFar())?.applied ?? 0;
  return { metrics: metrics ?? (await evaluatedNow({ model, data, task, ps, signal })), pushes, rejected };
}

/** The partition's loss and metrics on the newest weights: what an attempt that found every step done reports. */
async function evaluatedNow({
  model,
  data,
  task,
  ps,
  signal,
}: {
  model: tf.LayersModel;
  data: PartitionTensors;
  task: TaskMessage;
  ps: TaskPushes;
  signal?: AbortSignal;
}): Promise<Record<string, number>> {
  setFlatWeights(model, (await ps.pull()).weights);
  const rows = allRows(data.rows);
  return kerasMetricNames(await evaluateRows({ model, x: data.x, y: data.y, rows, batchSize: task.batchSize, signal }));
}
