import * as tf from '@tensorflow/tfjs';
import type { JobRecord, TaskMessage } from '@tusk/contracts';
import { computeDelta, getFlatWeights, setFlatWeights } from '@tusk/model';
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
export function stepRanges({ rows, batchSize, frequency, pushEvery }: { rows: number; batchSize: number; frequency: 'epoch' | 'batch'; pushEvery: number }): [number, number][] {
  const step = frequency === 'epoch' ? rows : Math.max(1, pushEvery) * batchSize;
  const out: [number, number][] = [];
  for (let start = 0; start < rows; start += step) out.push([start, Math.min(rows, start + step)]);
  return out;
}

/**
 * Elephas' asynchronous worker: for every step, pull the newest weights, train on the step's rows,
 * push the delta. A delta refused as too stale is recomputed from fresh weights.
 */
export async function trainAsynchronously({ model, data, job, task, ps }: { model: tf.LayersModel; data: PartitionTensors; job: JobRecord; task: TaskMessage; ps: ParameterServerClient }): Promise<AsyncOutcome> {
  const spec = job.spec.training.async!;
  let metrics: Record<string, number> = {};
  let pushes = 0;
  let rejected = 0;
  for (let epoch = 0; epoch < task.epochs; epoch++) {
    const order = tf.util.createShuffledIndices(data.rows);
    for (const [start, end] of stepRanges({ rows: data.rows, batchSize: task.batchSize, frequency: spec.frequency, pushEvery: spec.pushEvery })) {
      const idx = tf.tensor1d(Int32Array.from(order.subarray(start, end)), 'int32');
      const x = tf.gather(data.x, idx);
      const y = tf.gather(data.y, idx);
      try {
        for (let attempt = 0; ; attempt++) {
          const { version, weights } = await ps.pull();
          setFlatWeights(model, weights);
          const history = await model.fit(x, y, { epochs: 1, batchSize: task.batchSize, shuffle: false, verbose: 0, yieldEvery: 500 });
          metrics = Object.fromEntries(Object.entries(history.history).map(([k, v]) => [k.replace(/^acc$/, 'accuracy'), Number(v[v.length - 1])]));
          const reply = await ps.push(computeDelta(weights, getFlatWeights(model)), version);
          pushes += reply.accepted ? 1 : 0;
          if (reply.accepted) break;
          rejected += 1;
          if (attempt >= STALE_RETRIES) break; // keep going: one refused step must not stall the partition
        }
      } finally {
        tf.dispose([idx, x, y]);
      }
    }
  }
  return { metrics, pushes, rejected };
}
