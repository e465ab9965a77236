import { Catch, Inject, Logger, type ArgumentsHost, type RpcExceptionFilter } from '@nestjs/common';
import { from, type Observable } from 'rxjs';
import { jobContext } from '@tusk/config';
import { attemptId, InvalidMessageError, resultOrigin, taskId, type TaskMessage } from '@tusk/contracts';
import { retryBackoffMs, TerminateMessage, type JetStreamContext } from '@tusk/messaging';
import { ObsoleteTaskError, PermanentTaskError, TaskSupersededError } from '../training/task-errors.js';
import { WorkerEnv } from '../worker-env.js';
import { WORKER_IDENTITY, type WorkerIdentity } from '../worker-identity.js';
import { Heartbeat } from './heartbeat.js';
import { ResultPublisher } from './result-publisher.js';

/**
 * Turns a failed task into what happens to its message: an invalid task is terminated; an obsolete one
 * (its job ended) is terminated without a result; one whose message left the stream is left alone; any other
 * failure is retried with backoff (nak) and, when permanent or past `TUSK_TASK_MAX_ATTEMPTS`, reported as a
 * failed result (so the driver fails the job) and terminated.
 */
@Catch()
export class TaskFailureFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('TaskLoop');

  constructor(
    @Inject(ResultPublisher) private readonly results: ResultPublisher,
    @Inject(Heartbeat) private readonly heartbeat: Heartbeat,
    @Inject(WorkerEnv) private readonly env: WorkerEnv,
    @Inject(WORKER_IDENTITY) private readonly identity: WorkerIdentity,
  ) {}

  catch(err: unknown, host: ArgumentsHost): Observable<void> {
    const rpc = host.switchToRpc();
    return from(this.settle(err, rpc.getData<Record<string, unknown>>(), rpc.getContext<JetStreamContext>()));
  }

  private async settle(err: unknown, data: Record<string, unknown>, ctx: JetStreamContext): Promise<void> {
    // Already handed back (the worker stopped and its grace period ran out): whatever failed since is not the task's fault.
    if (ctx.outcome) return;
    if (err instanceof TerminateMessage) {
      this.logger.error(`terminating a malformed task on ${ctx.getSubject()}: ${err.message}`);
      return ctx.term(err.message);
    }
    // The payload passed validation (the pipe would have thrown TerminateMessage), so it is a task.
    const task = data as unknown as TaskMessage;
    const about = jobContext(task);
    this.heartbeat.onTask(null);
    if (err instanceof ObsoleteTaskError) {
      this.logger.log(`dropping ${taskId(task)}: ${err.message}`, about);
      return ctx.term(err.message);
    }
    const attempt = attemptId({ streamSeq: ctx.getStreamSequence(), deliveryCount: ctx.getDeliveryCount() });
    if (err instanceof TaskSupersededError || ctx.getSignal().aborted) {
      // Its message is gone (reassigned or cancelled), and training stopped at the next batch: no result, nothing to ack.
      this.logger.warn(`stopped ${taskId(task)} (attempt ${attempt}): it was reassigned or cancelled`, about);
      return ctx.leave();
    }
    await this.fail(task, ctx, attempt, err);
  }

  private async fail(task: TaskMessage, ctx: JetStreamContext, attempt: string, err: unknown): Promise<void> {
    const delivery = ctx.getDeliveryCount();
    const reason = err instanceof Error ? err.message : String(err);
    const permanent = err instanceof PermanentTaskError || err instanceof InvalidMessageError;
    if (permanent || delivery >= this.env.TUSK_TASK_MAX_ATTEMPTS) {
      this.logger.error(`${task.kind} task failed for good after ${delivery} attempt(s): ${reason}`, jobContext(task));
      try {
        await this.results.publish({
          ...resultOrigin(task, { workerId: this.identity.id, attempt, backend: this.identity.backend }),
          ok: false,
          error: `${reason} (after ${delivery} attempt(s))`,
          samples: 0,
          metrics: {},
          seconds: 0,
        });
        ctx.term(reason);
      } catch {
        ctx.nak(1_000);
      }
      return;
    }
    const delayMs = retryBackoffMs(delivery);
    this.logger.warn(`${task.kind} task attempt ${delivery} failed: ${reason}; retrying in ${delayMs} ms`, jobContext(task));
    ctx.nak(delayMs);
  }
}
