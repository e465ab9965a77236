import { randomUUID } from 'node:crypto';
import type { PubAck } from '@nats-io/jetstream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { jobContext } from '@tusk/config';
import {
  addressedTaskSubject,
  addresseeOf,
  partitionLabel,
  TASKS_STREAM,
  taskId,
  taskSubject,
  workerTasksConsumer,
  type TaskMessage,
} from '@tusk/contracts';
import { Infra } from '@tusk/infra';
import { JetStreamClientProxy, JetStreamRecord } from '@tusk/messaging';
import { lastValueFrom } from 'rxjs';
import { DriverEnv } from '../driver-env.js';
import { WorkerLiveness } from '../liveness/worker-liveness.js';
import { DriverMetrics } from '../metrics/driver-metrics.js';
import { AddressedTasks } from './addressed-tasks.js';
import { ResultCollector } from './result-collector.js';

/**
 * Publishes tasks from what is durably known, never from the duplicate window: a task is published only
 * when it has no result (the results stream read to its end) and is not in the task stream (queued or
 * held by a worker; one subject per task, addressed or not, makes that two lookups).
 *
 * Partition affinity: a group's task goes to the worker that holds its partition (its heartbeat says so), and is
 * handed back to the shared queue when that worker has not started it within `TUSK_LOCALITY_WAIT_MS`.
 */
@Injectable()
export class TaskDispatcher {
  private readonly logger = new Logger(TaskDispatcher.name);
  private readonly addressed: AddressedTasks;
  /** Jobs with `maxWorkers`: who may train them now (their MembershipWatch's members). */
  private readonly memberships = new Map<string, () => readonly string[]>();

  constructor(
    @Inject(Infra) private readonly infra: Infra,
    @Inject(JetStreamClientProxy) private readonly client: JetStreamClientProxy,
    @Inject(DriverMetrics) private readonly metrics: DriverMetrics,
    @Inject(WorkerLiveness) private readonly liveness: WorkerLiveness,
    @Inject(DriverEnv) private readonly env: DriverEnv,
  ) {
    this.addressed = new AddressedTasks(env.TUSK_LOCALITY_WAIT_MS);
  }

  /**
   * Publishes the tasks that are neither answered nor in the stream; returns how many it published. With `partitions`
   * (the group's size: what a worker's partition labels count in), each goes to the worker holding its partition.
   */
  async dispatch({
    tasks,
    collector,
    partitions,
    avoid = [],
  }: {
    tasks: TaskMessage[];
    collector: ResultCollector;
    partitions?: number;
    /** Workers not to address (one that did not start a task, or went silent with it). */
    avoid?: readonly string[];
  }): Promise<number> {
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
    const members = this.membersOf(toPublish[0].jobId)?.filter((id) => !avoid.includes(id));
    const holders = members?.length
      ? this.toMembers(toPublish, partitions ?? toPublish.length, members)
      : partitions === undefined
        ? []
        : this.holders(toPublish, partitions);
    for (const [i, task] of toPublish.entries()) await this.publish(task, holders[i]);
    return toPublish.length;
  }

  /**
   * Only `members()` may train the job's tasks from now until the returned function is called (`maxWorkers`): every task
   * is addressed to one of them, the one holding its partition first.
   */
  limitTo(jobId: string, members: () => readonly string[]): () => void {
    this.memberships.set(jobId, members);
    return () => this.memberships.delete(jobId);
  }

  private membersOf(jobId: string): readonly string[] | undefined {
    return this.memberships.get(jobId)?.();
  }

  /** Takes a task away from a silent worker: its message is deleted and a copy is published for the next free worker. */
  async reassign({
    task,
    seqs,
    collector,
    avoid = [],
  }: {
    task: TaskMessage;
    seqs: number[];
    collector: ResultCollector;
    avoid?: readonly string[];
  }): Promise<boolean> {
    const published = await this.replace({ task, seqs, collector, avoid });
    if (published) this.logger.warn(`task ${taskId(task)} given to another worker`, jobContext(task));
    this.metrics.tasksReassigned('silent_worker', published ? 1 : 0);
    return published;
  }

  /** Publishes again the tasks that are neither answered nor in the stream (lost with a server); returns how many. */
  async republishLost({ tasks, collector }: { tasks: TaskMessage[]; collector: ResultCollector }): Promise<number> {
    const republished = await this.dispatch({ tasks, collector });
    this.metrics.tasksReassigned('lost', republished);
    return republished;
  }

  /**
   * Hands the tasks among `tasks` whose holder has not started them within the locality wait back to the shared queue
   * (at once when the holder went silent or away). One it took meanwhile is aborted there, and its result, if any, is
   * deduplicated like any other: a task may run twice but counts once.
   */
  async handBackOverdue({ tasks, collector }: { tasks: TaskMessage[]; collector: ResultCollector }): Promise<number> {
    let handedBack = 0;
    for (const { task, addressed } of this.addressed.overdue(tasks, { gone: (id) => !this.liveness.isLive(id) })) {
      if (this.membersOf(task.jobId)?.includes(addressed.workerId) && this.liveness.isLive(addressed.workerId)) {
        // Only members may take it and this one is live: keep waiting on it, and look again after another wait.
        this.addressed.remember(task, { ...addressed, at: Date.now() });
        continue;
      }
      const stored = await this.infra.jsm.streams.getMessage(TASKS_STREAM, { seq: addressed.seq });
      if (
        stored !== null &&
        !(await this.started(addressed)) &&
        (await this.replace({ task, seqs: [addressed.seq], collector, avoid: [addressed.workerId] }))
      ) {
        handedBack += 1;
        this.logger.warn(
          `task ${taskId(task)} not started by ${addressed.workerId} within ${this.env.TUSK_LOCALITY_WAIT_MS} ms; handed back`,
          jobContext(task),
        );
      }
      this.addressed.forget(task);
    }
    this.metrics.tasksHandedBack(handedBack);
    return handedBack;
  }

  /** How long until a task of `tasks` is due to be handed back (Infinity when none waits on its holder). */
  msUntilHandBack(tasks: TaskMessage[]): number {
    return this.addressed.msUntilDue(tasks);
  }

  /** Deletes a task's messages and publishes it again (unless answered meanwhile): to the shared queue, or another member. */
  private async replace({
    task,
    seqs,
    collector,
    avoid,
  }: {
    task: TaskMessage;
    seqs: number[];
    collector: ResultCollector;
    avoid: readonly string[];
  }): Promise<boolean> {
    for (const seq of new Set(seqs)) {
      await this.infra.jsm.streams.deleteMessage(TASKS_STREAM, seq, false).catch((err) => {
        if (!/no message found|not found/i.test(String(err))) throw err;
      });
    }
    return (await this.dispatch({ tasks: [task], collector, avoid })) > 0;
  }

  /** A live holder whose own consumer has delivered the message started it; a silent or departed one never will. */
  private async started({ workerId, seq }: { workerId: string; seq: number }): Promise<boolean> {
    if (!this.liveness.isLive(workerId)) return false;
    const info = await this.infra.jsm.consumers.info(TASKS_STREAM, workerTasksConsumer(workerId)).catch(() => null);
    return info !== null && info.delivered.stream_seq >= seq;
  }

  /**
   * The worker each task goes to, if one holds its partition. No worker gets more than its share of the group (a worker
   * that took every partition of round 0 would only hand the surplus back after the wait): the rest go to the shared queue.
   */
  private holders(tasks: TaskMessage[], partitions: number): (string | undefined)[] {
    if (this.env.TUSK_LOCALITY_WAIT_MS === 0 || tasks.length === 0) return [];
    const share = Math.ceil(partitions / Math.max(1, this.liveness.pool(tasks[0].jobId).live));
    const given = new Map<string, number>();
    return tasks.map((task) => {
      const holder = this.liveness.holderOf(partitionLabel({ datasetId: task.datasetId, partition: task.partition, of: partitions }));
      if (!holder || (given.get(holder) ?? 0) >= share) return undefined;
      given.set(holder, (given.get(holder) ?? 0) + 1);
      return holder;
    });
  }

  /**
   * Every task to a member: the one holding its partition while it has less than its share, else the member given the
   * fewest so far (in the members' order), so the group is spread evenly over them.
   */
  private toMembers(tasks: TaskMessage[], partitions: number, members: readonly string[]): string[] {
    const share = Math.ceil(partitions / members.length);
    const given = new Map<string, number>(members.map((m) => [m, 0]));
    const chosen = tasks.map((task) => {
      const holder = this.liveness.holderOf(partitionLabel({ datasetId: task.datasetId, partition: task.partition, of: partitions }));
      if (holder === undefined || !given.has(holder) || given.get(holder)! >= share) return undefined;
      given.set(holder, given.get(holder)! + 1);
      return holder;
    });
    return chosen.map((holder) => {
      if (holder) return holder;
      const least = members.reduce((a, b) => (given.get(b)! < given.get(a)! ? b : a));
      given.set(least, given.get(least)! + 1);
      return least;
    });
  }

  /**
   * The msgID names this one publish, not the task: it dedupes the client's own retry of the publish, while a
   * task deleted to be reassigned can be published again inside the duplicate window.
   */
  private async publish(task: TaskMessage, workerId?: string): Promise<void> {
    const subject = workerId ? addressedTaskSubject(task, workerId) : taskSubject(task);
    const record = new JetStreamRecord(task, { msgID: `${taskId(task)}:${randomUUID()}` });
    const ack = (await lastValueFrom(this.client.emit(subject, record))) as PubAck;
    if (workerId) this.addressed.remember(task, { workerId, seq: ack.seq, at: Date.now() });
  }

  /** Queued or held, for the shared queue or for one worker; an addressed one is remembered for its locality wait. */
  private async isInStream(task: TaskMessage): Promise<boolean> {
    const [shared, addressed] = await Promise.all(
      [taskSubject(task), addressedTaskSubject(task, '*')].map((subject) =>
        this.infra.jsm.streams.getMessage(TASKS_STREAM, { last_by_subj: subject }),
      ),
    );
    const workerId = addressed ? addresseeOf(addressed.subject) : undefined;
    if (addressed && workerId) this.addressed.remember(task, { workerId, seq: addressed.seq, at: addressed.time.getTime() });
    return shared !== null || addressed !== null;
  }
}
