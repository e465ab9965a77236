import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { jobContext } from '@tusk/config';
import { TASKS_STREAM, taskId, taskSubject, type TaskMessage } from '@tusk/contracts';
import { Infra } from '@tusk/infra';
import { JetStreamClientProxy, JetStreamRecord } from '@tusk/messaging';
import { lastValueFrom } from 'rxjs';
import { DriverMetrics } from '../metrics/driver-metrics.js';
import { ResultCollector } from './result-collector.js';

/**
 * Publishes tasks from what is durably known, never from the duplicate window: a task is published only
 * when it has no result (the results stream read to its end) and is not in the task stream (queued or
 * held by a worker; one subject per task makes that one lookup).
 */
@Injectable()
export class TaskDispatcher {
  private readonly logger = new Logger(TaskDispatcher.name);

  constructor(
    @Inject(Infra) private readonly infra: Infra,
    @Inject(JetStreamClientProxy) private readonly client: JetStreamClientProxy,
    @Inject(DriverMetrics) private readonly metrics: DriverMetrics,
  ) {}

  /** Publishes the tasks that are neither answered nor in the stream; returns how many it published. */
  async dispatch({ tasks, collector }: { tasks: TaskMessage[]; collector: ResultCollector }): Promise<number> {
    const unanswered = async (candidates: TaskMessage[]) => {
      await collector.caughtUp();
      return candidates.filter((t) => !collector.received(ResultCollector.groupOf(t)).has(t.partition));
    };
    const candidates = await unanswered(tasks);
    const inStream = await Promise.all(candidates.map((t) => this.isInStream(t)));
    const absent = candidates.filter((_, i) => !inStream[i]);
    if (absent.length === 0) return 0;
    // A worker publishes its result before it acks, so a task that left the stream meanwhile is answered now.
    const toPublish = await unanswered(absent);
    for (const task of toPublish) await this.publish(task);
    return toPublish.length;
  }

  /** Takes a task away from a silent worker: its message is deleted and a copy is published for the next free worker. */
  async reassign({ task, seqs, collector }: { task: TaskMessage; seqs: number[]; collector: ResultCollector }): Promise<boolean> {
    for (const seq of new Set(seqs)) {
      await this.infra.jsm.streams.deleteMessage(TASKS_STREAM, seq, false).catch((err) => {
        if (!/no message found|not found/i.test(String(err))) throw err;
      });
    }
    const published = await this.dispatch({ tasks: [task], collector });
    if (published > 0) this.logger.warn(`task ${taskId(task)} given to another worker`, jobContext(task));
    this.metrics.tasksReassigned('silent_worker', published);
    return published > 0;
  }

  /** Publishes again the tasks that are neither answered nor in the stream (lost with a server); returns how many. */
  async republishLost({ tasks, collector }: { tasks: TaskMessage[]; collector: ResultCollector }): Promise<number> {
    const republished = await this.dispatch({ tasks, collector });
    this.metrics.tasksReassigned('lost', republished);
    return republished;
  }

  /**
   * The msgID names this one publish, not the task: it dedupes the client's own retry of the publish, while a
   * task deleted to be reassigned can be published again inside the duplicate window.
   */
  private async publish(task: TaskMessage): Promise<void> {
    await lastValueFrom(this.client.emit(taskSubject(task), new JetStreamRecord(task, { msgID: `${taskId(task)}:${randomUUID()}` })));
  }

  private async isInStream(task: TaskMessage): Promise<boolean> {
    return (await this.infra.jsm.streams.getMessage(TASKS_STREAM, { last_by_subj: taskSubject(task) })) !== null;
  }
}
