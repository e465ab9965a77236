import { Controller, Inject, Logger, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { jobContext } from '@tusk/config';
import { attemptId, taskId, TASKS_CONSUMER, TASKS_STREAM, TASKS_SUBJECT_PREFIX, TaskMessage } from '@tusk/contracts';
import { fromConsumer, JetStreamContext } from '@tusk/messaging';
import { WorkerMetrics } from '../metrics/worker-metrics.js';
import { TaskSupersededError } from '../training/task-errors.js';
import { TaskRunner } from '../training/task-runner.js';
import { Heartbeat } from './heartbeat.js';
import { ResultPublisher } from './result-publisher.js';
import { TaskFailureFilter } from './task-failure.filter.js';
import { taskValidationPipe } from './task-validation.pipe.js';

/**
 * Trains tasks one at a time: first those addressed to this worker (its own consumer: it holds their partitions), then
 * those of the shared durable consumer, so any number of workers split the work.
 * Returning means the result is stored, and the transport acks the task only then; a failure goes to
 * `TaskFailureFilter`, which retries it with backoff, drops it, or reports it as a failed result.
 */
@Controller()
@UseFilters(TaskFailureFilter)
export class TaskController {
  private readonly logger = new Logger('TaskLoop');

  constructor(
    @Inject(TaskRunner) private readonly runner: TaskRunner,
    @Inject(ResultPublisher) private readonly results: ResultPublisher,
    @Inject(Heartbeat) private readonly heartbeat: Heartbeat,
    @Inject(WorkerMetrics) private readonly metrics: WorkerMetrics,
  ) {}

  @EventPattern<string>(`${TASKS_SUBJECT_PREFIX}.>`, fromConsumer(TASKS_STREAM, TASKS_CONSUMER))
  async train(@Payload(taskValidationPipe) task: TaskMessage, @Ctx() ctx: JetStreamContext): Promise<void> {
    const seq = ctx.getStreamSequence();
    const attempt = attemptId({ streamSeq: seq, deliveryCount: ctx.getDeliveryCount() });
    this.metrics.taskDelivered(ctx.getDeliveryCount());
    const { jobId, kind, round, partition, evaluationId } = task;
    this.heartbeat.onTask({ jobId, kind, round, partition, evaluationId, seq, attempt });
    const about = jobContext(task);
    this.logger.log(`${kind} task started (attempt ${attempt})`, about);
    const result = await this.runner.run(task, { attempt, signal: ctx.getSignal() });
    if (ctx.getSignal().aborted) throw new TaskSupersededError(taskId(task));
    // The driver addresses the next round's task to whoever holds the partition: it learns that from this beat.
    await this.heartbeat.refresh();
    await this.results.publish(result);
    const samplesPerSecond = result.seconds > 0 ? (result.samples * Math.max(1, task.epochs)) / result.seconds : 0;
    this.heartbeat.onTask(null, samplesPerSecond);
    this.metrics.taskFinished(samplesPerSecond);
    this.logger.log(`${kind} task done (attempt ${attempt}): ${result.samples} samples in ${result.seconds.toFixed(2)} s`, about);
  }
}
