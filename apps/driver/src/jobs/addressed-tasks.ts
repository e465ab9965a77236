import { taskId, type TaskMessage } from '@tusk/contracts';

/** A task message addressed to one worker, and when it was published. */
export interface Addressed {
  workerId: string;
  seq: number;
  at: number;
}

/**
 * The tasks the driver addressed to the worker holding their partition, each kept until it starts or its locality wait
 * is over (then it is handed back to the shared queue). Only a memory of this driver: one restarted learns them
 * again from the stream (`TaskDispatcher.isInStream`), with the time they were published.
 */
export class AddressedTasks {
  private readonly waiting = new Map<string, Addressed>();

  constructor(private readonly waitMs: number) {}

  remember(task: TaskMessage, addressed: Addressed): void {
    this.waiting.set(taskId(task), addressed);
  }

  forget(task: TaskMessage): void {
    this.waiting.delete(taskId(task));
  }

  /** The tasks among `tasks` whose wait is over, or whose worker is gone (`gone`: no need to wait for it). */
  overdue(tasks: TaskMessage[], { now = Date.now(), gone = () => false }: { now?: number; gone?: (workerId: string) => boolean } = {}) {
    return tasks.flatMap((task) => {
      const addressed = this.waiting.get(taskId(task));
      return addressed && (now - addressed.at >= this.waitMs || gone(addressed.workerId)) ? [{ task, addressed }] : [];
    });
  }

  /** How long until the first of `tasks` is overdue (Infinity when none waits). */
  msUntilDue(tasks: TaskMessage[], now = Date.now()): number {
    let soonest = Infinity;
    for (const task of tasks) {
      const addressed = this.waiting.get(taskId(task));
      if (addressed) soonest = Math.min(soonest, Math.max(0, addressed.at + this.waitMs - now));
    }
    return soonest;
  }
}
