import { Logger } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import {
  attemptId, encodeMessage, InvalidMessageError, parseMessage, resultMessageId, resultSubject, TASKS_CONSUMER, TASKS_STREAM,
  TaskMessage, type HeldTask, type ResultMessage,
} from '@tusk/contracts';
import type { Infra } from '@tusk/infra';
import { PermanentTaskError, type TaskRunner } from '../training/task-runner.js';

export interface TaskLoopOptions {
  workerId: string;
  backend: string;
  maxAttempts: number;
  ackWaitMs: number;
  onTask: (task: HeldTask | null, samplesPerSecond?: number) => void;
}

const FETCH_EXPIRES_MS = 5_000;

/**
 * Pulls one task at a time from the shared durable consumer, so any number of workers split the work.
 * A task is acked only once its result is stored in the results stream; a failure is retried with
 * backoff and, past the attempt limit, reported as a failed result so the driver can fail the job.
 */
export class TaskLoop {
  private readonly logger = new Logger(TaskLoop.name);
  private stopping = false;
  private loop: Promise<void> = Promise.resolve();
  private current: JsMsg | null = null;

  constructor(private readonly infra: Infra, private readonly runner: TaskRunner, private readonly options: TaskLoopOptions) {}

  start(): void {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    const consumer = await this.infra.js.consumers.get(TASKS_STREAM, TASKS_CONSUMER);
    while (!this.stopping) {
      let msg: JsMsg | null = null;
      try {
        msg = await consumer.next({ expires: FETCH_EXPIRES_MS });
      } catch (err) {
        if (this.stopping) break;
        this.logger.warn(`fetching a task failed (${String(err)}); retrying`);
        await new Promise((r) => setTimeout(r, 1_000));
        continue;
      }
      if (!msg) continue;
      this.current = msg;
      await this.handle(msg);
      this.current = null;
    }
  }

  private async handle(msg: JsMsg): Promise<void> {
    let task: TaskMessage;
    try {
      task = parseMessage(TaskMessage, msg.data);
    } catch (err) {
      this.logger.error(`terminating a malformed task on ${msg.subject}: ${(err as Error).message}`);
      msg.term();
      return;
    }
    const attempt = attemptId({ streamSeq: msg.info.streamSequence, deliveryCount: msg.info.deliveryCount });
    // Tell the server we are alive while a long task runs, well inside the ack wait.
    const keepAlive = setInterval(() => msg.working(), Math.max(1_000, this.options.ackWaitMs / 3));
    this.options.onTask({ jobId: task.jobId, kind: task.kind, round: task.round, partition: task.partition, evaluationId: task.evaluationId, seq: msg.info.streamSequence, attempt });
    try {
      const result = await this.runner.run(task, { attempt });
      await this.publish(result);
      await msg.ackAck();
      this.options.onTask(null, result.seconds > 0 ? (result.samples * Math.max(1, task.epochs)) / result.seconds : 0);
      this.logger.log(`${task.kind} job=${task.jobId} round=${task.round} partition=${task.partition} samples=${result.samples} ${result.seconds.toFixed(2)}s`);
    } catch (err) {
      await this.fail(msg, task, attempt, err);
    } finally {
      clearInterval(keepAlive);
    }
  }

  private async fail(msg: JsMsg, task: TaskMessage, attempt: string, err: unknown): Promise<void> {
    const delivery = msg.info.deliveryCount;
    const reason = err instanceof Error ? err.message : String(err);
    const permanent = err instanceof PermanentTaskError || err instanceof InvalidMessageError;
    if (permanent || delivery >= this.options.maxAttempts) {
      this.logger.error(`task ${task.jobId}/${task.round}/${task.partition} failed for good after ${delivery} attempt(s): ${reason}`);
      try {
        await this.publish({
          jobId: task.jobId, kind: task.kind, round: task.round, partition: task.partition, evaluationId: task.evaluationId,
          workerId: this.options.workerId, attempt, backend: this.options.backend, ok: false,
          error: `${reason} (after ${delivery} attempt(s))`, samples: 0, metrics: {}, seconds: 0,
        });
        msg.term();
      } catch {
        msg.nak(1_000);
      }
      this.options.onTask(null);
      return;
    }
    const delayMs = Math.min(30_000, 1_000 * 2 ** (delivery - 1));
    this.logger.warn(`task ${task.jobId}/${task.round}/${task.partition} attempt ${delivery} failed: ${reason}; retrying in ${delayMs} ms`);
    msg.nak(delayMs);
    this.options.onTask(null);
  }

  private async publish(result: ResultMessage): Promise<void> {
    await this.infra.js.publish(resultSubject(result.jobId), encodeMessage(result), { msgID: resultMessageId(result) });
  }

  /** Stops pulling; the task in hand is finished within the grace period, else handed back at once. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    const finished = await Promise.race([this.loop.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), graceMs).unref())]);
    if (!finished && this.current) {
      this.logger.warn('handing the unfinished task back for redelivery');
      this.current.nak();
    }
  }
}
