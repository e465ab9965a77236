import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import type { AppliedPushes, JobRecord, PushReply, TaskMessage } from '@tusk/contracts';
import { applyDelta, getFlatWeights } from '@tusk/model';
import { trainAsynchronously, type TaskPushes } from './async-trainer.js';
import type { PartitionTensors } from './partition-tensors.js';

const COMPILE = { optimizer: 'sgd', loss: 'categoricalCrossentropy', metrics: ['accuracy'] } as const;
const ASYNC = { frequency: 'batch', pushEvery: 1, maxStaleness: null };
const job = { spec: { compile: COMPILE, training: { async: ASYNC } } } as unknown as JobRecord;
// 40 rows in batches of 10, one push per batch: 4 steps an epoch, 12 in all.
const task = { jobId: 'j', kind: 'train', round: 0, partition: 0, epochs: 3, batchSize: 10, seed: 5 } as TaskMessage;
const STEPS = 12;

/** A task's push stream as the parameter server keeps it: applies new steps, answers known ones from the ledger. */
class TaskStream implements TaskPushes {
  weights: Float32Array;
  version = 0;
  entry: AppliedPushes | undefined;
  /** Every step pushed to it, by attempt. */
  readonly received: { attempt: string; step: number; applied: boolean }[] = [];

  constructor(
    initial: Float32Array,
    private readonly attempt = 'a',
    private readonly shared?: TaskStream,
  ) {
    this.weights = initial;
  }

  /** The same stream as seen by another attempt of the task. */
  as(attempt: string): TaskStream {
    return new TaskStream(new Float32Array(0), attempt, this.shared ?? this);
  }

  private get state(): TaskStream {
    return this.shared ?? this;
  }

  async pull() {
    return { version: this.state.version, weights: this.state.weights.slice() };
  }

  async pushedSoFar() {
    return this.state.entry;
  }

  async push({ delta, step }: { delta: Float32Array; baseVersion: number; step: number }): Promise<PushReply> {
    const s = this.state;
    if (s.entry && step <= s.entry.step) {
      s.received.push({ attempt: this.attempt, step, applied: false });
      if (step === s.entry.step) return { ...s.entry.reply, duplicate: true };
      return { accepted: false, version: s.version, staleness: 0, scale: 0, duplicate: true };
    }
    s.weights = applyDelta(s.weights, delta);
    s.version += 1;
    const reply = { accepted: true, version: s.version, staleness: 0, scale: 1 };
    s.entry = { step, applied: (s.entry?.applied ?? 0) + 1, reply };
    s.received.push({ attempt: this.attempt, step, applied: true });
    return reply;
  }
}

/** An attempt that dies (its push throws) once `pushes` of its pushes were answered. */
function dyingAfter(stream: TaskStream, pushes: number): TaskPushes {
  let left = pushes;
  return {
    pull: () => stream.pull(),
    pushedSoFar: () => stream.pushedSoFar(),
    push: (input) => {
      if (left-- <= 0) return Promise.reject(new Error('worker killed'));
      return stream.push(input);
    },
  };
}

function model(): tf.LayersModel {
  const m = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [4], units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
    ],
  });
  m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

let data: PartitionTensors;
let m: tf.LayersModel;

beforeAll(async () => {
  await tf.setBackend('cpu');
  const x = tf.randomNormal([40, 4], 0, 1, 'float32', 3);
  const y = tf.oneHot(tf.argMax(x.slice([0, 0], [40, 3]), 1) as tf.Tensor1D, 3).toFloat();
  data = { x, y, rows: 40, bytes: 0 };
  m = model();
});

afterAll(() => {
  tf.dispose([data.x, data.y]);
  m.dispose();
});

const train = (ps: TaskPushes) => trainAsynchronously({ model: m, data, job, task, ps });

describe('trainAsynchronously across the attempts of a task', () => {
  it('pushes every step once when one attempt runs the task', async () => {
    const stream = new TaskStream(getFlatWeights(m));
    const outcome = await train(stream);
    expect(outcome).toMatchObject({ pushes: STEPS, rejected: 0 });
    expect(stream.version).toBe(STEPS);
    expect(stream.received.map((r) => r.step)).toEqual(Array.from({ length: STEPS }, (_, i) => i * 4));
  });

  it('goes on from the steps an attempt that died got applied, training none of them again', async () => {
    const stream = new TaskStream(getFlatWeights(m));
    await expect(train(dyingAfter(stream, 5))).rejects.toThrow('worker killed');
    const next = stream.as('b');
    const outcome = await train(next);
    expect(stream.version).toBe(STEPS);
    expect(outcome.pushes).toBe(STEPS);
    const second = stream.received.filter((r) => r.attempt === 'b');
    expect(second).toHaveLength(STEPS - 5);
    expect(second[0].step).toBe(5 * 4);
    expect(second.every((r) => r.applied)).toBe(true);
  });

  it('jumps ahead when another attempt of the task got further first, and reports a loss when nothing was left', async () => {
    const stream = new TaskStream(getFlatWeights(m));
    const ahead = stream.as('zombie');
    const late = stream.as('late');
    // The late attempt read the ledger (empty) before the other one pushed 7 steps; its first push is a copy of step 0.
    const lateRun = { pull: () => late.pull(), push: late.push.bind(late), pushedSoFar: emptyAtFirst(() => late.pushedSoFar()) };
    await train(dyingAfter(ahead, 7)).catch(() => undefined);
    const outcome = await train(lateRun);
    expect(stream.version).toBe(STEPS);
    expect(outcome.pushes).toBe(STEPS);
    const fromLate = stream.received.filter((r) => r.attempt === 'late');
    expect(fromLate[0]).toEqual({ attempt: 'late', step: 0, applied: false });
    expect(fromLate.slice(1).map((r) => r.step)).toEqual(Array.from({ length: STEPS - 7 }, (_, i) => (7 + i) * 4));

    const after = await train(stream.as('after'));
    expect(after.pushes).toBe(STEPS);
    expect(stream.received.filter((r) => r.attempt === 'after')).toEqual([]);
    expect(Number.isFinite(after.metrics.loss)).toBe(true);
  });
});

/** Answers undefined (an empty ledger) the first time, then asks `read`. */
function emptyAtFirst(read: () => Promise<AppliedPushes | undefined>): () => Promise<AppliedPushes | undefined> {
  let first = true;
  return () => {
    if (!first) return read();
    first = false;
    return Promise.resolve(undefined);
  };
}
