import { Logger } from '@nestjs/common';
import { jobContext } from '@tusk/config';
import type { Consumer, JsMsg } from '@nats-io/jetstream';
import {
  attemptId, encodeMessage, taskId, InvalidMessageError, parseMessage, resultMessageId, resultSubject, TASKS_CONSUMER, TASKS_STREAM,
  TaskMessage, type HeldTask, type ResultMessage,
} from '@tusk/contracts';
import type { Infra } from '@tusk/infra';
import type { WorkerMetrics } from '../metrics/worker-metrics.js';
import type { TaskRunner } from '../training/task-runner.js';
import { ObsoleteTaskError, PermanentTaskError, TaskSupersededError } from '../training/task-errors.js';

export interface TaskLoopOptions {
  workerId: string;
  backend: string;
  maxAttempts: number;
  ackWaitMs: number;
  metrics: WorkerMetrics;
  onTask: (task: HeldTask | null, samplesPerSecond?: number) => void;
}

const FETCH_EXPIRES_MS = 5_000;
/** How often a worker checks that the task it trains is still in the stream (the driver deletes it to reassign or cancel). */
const STILL_QUEUED_CHECK_MS = 3_000;

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
    let consumer: Consumer | null = null;
    while (!this.stopping) {
      let msg: JsMsg | null = null;
      try {
        consumer ??= await this.infra.js.consumers.get(TASKS_STREAM, TASKS_CONSUMER);
        msg = await consumer.next({ expires: FETCH_EXPIRES_MS });
      } catch (err) {
        if (this.stopping) break;
        this.logger.warn(`fetching a task failed (${String(err)}); retrying`);
        await new Promise((r) => setTimeout(r, 1_000));
        continue;
      }
      if (!msg) continue;
      this.current = msg;
      try {
        await this.handle(msg);
      } catch (err) {
        // handle() answers every task itself; reaching here is a bug, and the task comes back after the ack wait.
        this.logger.error(`task on ${msg.subject} escaped its handler: ${(err as Error)?.stack ?? err}`);
      }
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
    this.options.metrics.taskDelivered(msg.info.deliveryCount);
    const abort = new AbortController();
    // Tell the server we are alive while a long task runs, well inside the ack wait.
    const keepAlive = setInterval(() => msg.working(), Math.max(1_000, this.options.ackWaitMs / 3));
    const stillQueued = setInterval(() => void this.abortIfGone(msg.info.streamSequence, abort), STILL_QUEUED_CHECK_MS);
    this.options.onTask({ jobId: task.jobId, kind: task.kind, round: task.round, partition: task.partition, evaluationId: task.evaluationId, seq: msg.info.streamSequence, attempt });
    const about = jobContext(task);
    this.logger.log(`${task.kind} task started (attempt ${attempt})`, about);
    try {
      const result = await this.runner.run(task, { attempt, signal: abort.signal });
      if (abort.signal.aborted) throw new TaskSupersededError(taskId(task));
      await this.publish(result);
      // The result is stored: a failed ack (the message was reassigned or purged meanwhile) only costs a redelivery.
      await msg.ackAck().catch((err) => this.logger.warn(`ack of ${taskId(task)} failed (${(err as Error).message}); its result is stored`, about));
      this.options.onTask(null, result.seconds > 0 ? (result.samples * Math.max(1, task.epochs)) / result.seconds : 0);
      this.logger.log(`${task.kind} task done (attempt ${attempt}): ${result.samples} samples in ${result.seconds.toFixed(2)} s`, about);
    } catch (err) {
      if (err instanceof ObsoleteTaskError) {
        this.logger.log(`dropping ${taskId(task)}: ${err.message}`, about);
        msg.term();
        this.options.onTask(null);
      } else if (err instanceof TaskSupersededError || abort.signal.aborted) {
        // Its message is gone (reassigned or cancelled), and training stopped at the next batch: no result, nothing to ack.
        this.logger.warn(`stopped ${taskId(task)} (attempt ${attempt}): it was reassigned or cancelled`, about);
        this.options.onTask(null);
      } else {
        await this.fail(msg, task, attempt, err);
      }
    } finally {
      clearInterval(keepAlive);
      clearInterval(stillQueued);
    }
  }

  /** Aborts the task in hand once its message has left the stream; an unreachable NATS proves nothing. */
  private async abortIfGone(seq: number, abort: AbortController): Promise<void> {
    const stored = await this.infra.jsm.streams.getMessage(TASKS_STREAM, { seq }).catch(() => undefined);
    if (stored === null) abort.abort();
  }

  private async fail(msg: JsMsg, task: TaskMessage, attempt: string, err: unknown): Promise<void> {
    const delivery = msg.info.deliveryCount;
    const reason = err instanceof Error ? err.message : String(err);
    const permanent = err instanceof PermanentTaskError || err instanceof InvalidMessageError;
    if (permanent || delivery >= this.options.maxAttempts) {
      this.logger.error(`${task.kind} task failed for good after ${delivery} attempt(s): ${reason}`, jobContext(task));
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
    this.logger.warn(`${task.kind} task attempt ${delivery} failed: ${reason}; retrying in ${delayMs} ms`, jobContext(task));
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
