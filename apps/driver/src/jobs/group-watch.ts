import { Logger } from '@nestjs/common';
import { jobContext } from '@tusk/config';
import { taskId, type ResultMessage, type TaskMessage } from '@tusk/contracts';
import type { WorkerLiveness } from '../liveness/worker-liveness.js';
import { JobStalledError, WaitAbortedError } from './job-stalled.error.js';
import { ResultCollector } from './result-collector.js';
import type { TaskDispatcher } from './task-dispatcher.js';

const POLL_MS = 1_000;
/** How often a task nobody holds is looked up in the stream, in case it was lost. */
const LOST_CHECK_MS = 5_000;

export interface GroupWatchOptions {
  /** One task per partition of one group (a training round or an evaluation). */
  tasks: TaskMessage[];
  collector: ResultCollector;
  dispatcher: TaskDispatcher;
  liveness: WorkerLiveness;
  stallTimeoutMs: number;
  signal: AbortSignal;
  /** Extra signs of life polled every second (an asynchronous job's pushes); true when something moved. */
  moved?: () => Promise<boolean>;
  /** Polled every second: true while the job is short of workers and waits for them (not a stall). */
  shortOfWorkers?: () => Promise<boolean>;
}

/**
 * Waits for one result per task with no deadline: it gives a silent worker's task to another worker at
 * once, hands a task its partition's holder did not start in time back to the shared queue, publishes
 * again a task lost from the queue, and fails only when nothing has moved for the stall
 * timeout (no result, no push, no heartbeat from a worker holding one of the tasks).
 */
export async function watchGroup(options: GroupWatchOptions): Promise<ResultMessage[]> {
  const { tasks, collector, dispatcher, liveness, stallTimeoutMs, signal, moved, shortOfWorkers } = options;
  const logger = new Logger('GroupWatch');
  const [first] = tasks;
  const group = ResultCollector.groupOf(first);
  let lastMove = Date.now();
  let lastLostCheck = Date.now();
  const lastHolders = new Map<number, string[]>();
  /** Task messages already taken from a silent worker: its stale claim must not trigger another reassignment. */
  const reassigned = new Set<number>();
  for (;;) {
    const seen = collector.received(group);
    const missing = tasks.filter((t) => !seen.has(t.partition));
    if (missing.length === 0) return tasks.map((t) => seen.get(t.partition)!);
    if (signal.aborted) throw new WaitAbortedError();
    const now = Date.now();
    lastMove = Math.max(lastMove, collector.lastResultAt);
    if (moved && (await moved())) lastMove = now;
    if (shortOfWorkers && (await shortOfWorkers())) lastMove = now;

    const claims = liveness.claims(first);
    const unheld: TaskMessage[] = [];
    for (const task of missing) {
      const claimed = (claims.get(task.partition) ?? []).filter((c) => !reassigned.has(c.seq));
      if (claimed.length > 0)
        lastHolders.set(
          task.partition,
          claimed.map((c) => `${c.workerId}${c.silent ? ' (silent)' : ''}`),
        );
      if (claimed.some((c) => !c.silent)) {
        lastMove = now;
      } else if (claimed.length > 0) {
        logger.warn(
          `${claimed.map((c) => c.workerId).join(', ')} stopped heartbeating while holding ${taskId(task)}; reassigning it`,
          jobContext(task),
        );
        await dispatcher.reassign({ task, seqs: claimed.map((c) => c.seq), collector, avoid: claimed.map((c) => c.workerId) });
        for (const c of claimed) reassigned.add(c.seq);
      } else {
        unheld.push(task);
      }
    }
    if (unheld.length > 0) await dispatcher.handBackOverdue({ tasks: unheld, collector });
    if (unheld.length > 0 && now - lastLostCheck >= LOST_CHECK_MS) {
      lastLostCheck = now;
      const republished = await dispatcher.republishLost({ tasks: unheld, collector });
      if (republished > 0)
        logger.warn(
          `${republished} task(s) of ${group} were neither answered nor queued; published again`,
          jobContext({ jobId: first.jobId, round: first.round }),
        );
    }
    const pool = liveness.pool(first.jobId);
    // Tasks waiting their turn behind other jobs' work are queued, not stalled.
    if (unheld.length > 0 && pool.live > 0 && pool.busyElsewhere === pool.live) lastMove = now;
    if (now - lastMove > stallTimeoutMs) {
      const workers = [...new Set(missing.flatMap((t) => lastHolders.get(t.partition) ?? []))];
      throw new JobStalledError({
        group,
        partitions: missing.map((t) => t.partition),
        workers,
        seconds: Math.round(stallTimeoutMs / 1000),
        liveWorkers: pool.live,
      });
    }
    // Woken early for a task due back from its holder, so the locality wait is kept to within a few milliseconds.
    await collector.changed(Math.min(POLL_MS, dispatcher.msUntilHandBack(missing) + 5), signal);
  }
}
