import type * as tf from '@tensorflow/tfjs';
import type { JobRecord, TaskMessage } from '@tusk/contracts';
import { permutation } from '@tusk/data';
import {
  computeDelta,
  getFlatWeights,
  kerasMetricName,
  learningRateAt,
  mixSeed,
  resetOptimizer,
  setFlatWeights,
  setLearningRate,
  trainOnRows,
} from '@tusk/model';
import type { PartitionTensors } from './partition-tensors.js';
import type { ParameterServerClient } from './ps-client.js';

const STALE_RETRIES = 3;

export interface AsyncOutcome {
  metrics: Record<string, number>;
  /** Pushes the parameter server acknowledged as applied. */
  pushes: number;
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
  ps: ParameterServerClient;
  signal?: AbortSignal;
}): Promise<AsyncOutcome> {
  const spec = job.spec.training.async!;
  resetOptimizer({ model, compile: job.spec.compile });
  let metrics: Record<string, number> = {};
  let pushes = 0;
  let rejected = 0;
  for (let epoch = 0; epoch < task.epochs; epoch++) {
    const order = permutation(data.rows, mixSeed(task.seed, epoch));
    const steps = stepRanges({ rows: data.rows, batchSize: task.batchSize, frequency: spec.frequency, pushEvery: spec.pushEvery });
    for (const [step, [start, end]] of steps.entries()) {
      // The rate at the step's start, as far into the job as this partition's steps have come.
      if (task.learningRatePlan) setLearningRate(model.optimizer, learningRateAt(task.learningRatePlan, epoch + step / steps.length));
      for (let attempt = 0; ; attempt++) {
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
        metrics = Object.fromEntries(Object.entries(pass.metrics).map(([k, v]) => [kerasMetricName(k), v]));
        const reply = await ps.push(computeDelta(weights, getFlatWeights(model)), version, metrics);
        pushes += reply.accepted ? 1 : 0;
        if (reply.accepted) break;
        rejected += 1;
        if (attempt >= STALE_RETRIES) break; // keep going: one refused step must not stall the partition
      }
    }
  }
  return { metrics, pushes, rejected };
}
