import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import {
  attemptId,
  deltaKey,
  parseMessage,
  resultOrigin,
  TaskMessage,
  TASKS_CONSUMER,
  TASKS_STREAM,
  type ResultMessage,
} from '@tusk/contracts';
import type { Infra } from '@tusk/infra';
import { JetStreamClientProxy } from '@tusk/messaging';
import { ResultPublisher } from '../../apps/worker/src/tasks/result-publisher.js';

const DELTA_WRITES_AT_ONCE = 4;

interface Received {
  task: TaskMessage;
  msg: JsMsg;
  at: number;
}

/** The tasks of one round, and when the first of them arrived (`performance.now()`). */
export interface RoundTasks {
  tasks: Received[];
  firstAt: number;
}

/**
 * Workers that do not train: they take tasks from the shared task consumer as real workers do, store one
 * precomputed delta under each task's attempt key, then publish every result of the round at once through the
 * worker's own ResultPublisher and ack the tasks, so the driver sees a whole round answer in one burst.
 */
export class SimulatedWorkers {
  private readonly publisher: ResultPublisher;
  private readonly byRound = new Map<string, Received[]>();
  private readonly waiters = new Set<() => void>();
  private messages?: ConsumerMessages;

  constructor(private readonly infra: Infra) {
    this.publisher = new ResultPublisher(new JetStreamClientProxy(() => infra));
  }

  async start(): Promise<void> {
    const consumer = await this.infra.js.consumers.get(TASKS_STREAM, TASKS_CONSUMER);
    this.messages = await consumer.consume({ max_messages: 256 });
    void (async () => {
      for await (const msg of this.messages!) {
        const task = parseMessage(TaskMessage, msg.data);
        const key = `${task.jobId}/${task.round}`;
        const held = this.byRound.get(key) ?? [];
        // A copy the driver published again (it found the task neither answered nor queued) is answered once.
        if (held.some((r) => r.task.partition === task.partition)) msg.ack();
        else held.push({ task, msg, at: performance.now() });
        this.byRound.set(key, held);
        for (const wake of this.waiters) wake();
      }
    })();
  }

  /** Waits until all `partitions` tasks of the round are held. */
  async roundTasks({ jobId, round, partitions }: { jobId: string; round: number; partitions: number }): Promise<RoundTasks> {
    const key = `${jobId}/${round}`;
    for (;;) {
      const held = this.byRound.get(key) ?? [];
      if (held.length >= partitions) return { tasks: held, firstAt: Math.min(...held.map((r) => r.at)) };
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          resolve();
        };
        this.waiters.add(wake);
      });
    }
  }

  /**
   * Answers a round: stores each task's float32 delta (`deltaOf`, samples from `samplesOf`), then publishes all
   * results at once and acks. Resolves with `performance.now()` when the last result was stored in the results stream.
   */
  async answer({
    round,
    deltaOf,
    samplesOf,
  }: {
    round: RoundTasks;
    deltaOf: (partition: number) => Uint8Array;
    samplesOf: (partition: number) => number;
  }): Promise<number> {
    const results: ResultMessage[] = [];
    const queue = [...round.tasks];
    const write = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const { task, msg } = next;
        const attempt = attemptId({ streamSeq: msg.seq, deliveryCount: msg.info.deliveryCount });
        const key = deltaKey({ jobId: task.jobId, round: task.round, partition: task.partition, attempt });
        await this.infra.blobs.put(key, deltaOf(task.partition));
        results.push({
          ...resultOrigin(task, { workerId: `simulated-${task.partition}`, attempt, backend: 'simulated' }),
          ok: true,
          samples: samplesOf(task.partition),
          deltaKey: key,
          deltaEncoding: 'float32',
          metrics: { loss: 1 },
          seconds: 0,
        });
      }
    };
    await Promise.all(Array.from({ length: DELTA_WRITES_AT_ONCE }, write));
    await Promise.all(results.map((r) => this.publisher.publish(r)));
    const lastResultAt = performance.now();
    for (const { msg } of round.tasks) msg.ack();
    return lastResultAt;
  }

  /** Forgets a finished job's rounds. */
  forget(jobId: string): void {
    for (const key of [...this.byRound.keys()]) if (key.startsWith(`${jobId}/`)) this.byRound.delete(key);
  }

  stop(): void {
    this.messages?.stop();
  }
}
