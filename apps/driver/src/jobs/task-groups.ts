import { Inject, Injectable } from '@nestjs/common';
import type { ResultMessage, TaskMessage } from '@tusk/contracts';
import { DriverEnv } from '../driver-env.js';
import { WorkerLiveness } from '../liveness/worker-liveness.js';
import { watchGroup } from './group-watch.js';
import type { ResultCollector } from './result-collector.js';
import { TaskDispatcher } from './task-dispatcher.js';

/** Runs one group of tasks (a training round or an evaluation) on the workers: publish what is missing, then watch. */
@Injectable()
export class TaskGroups {
  constructor(
    @Inject(TaskDispatcher) private readonly dispatcher: TaskDispatcher,
    @Inject(WorkerLiveness) private readonly liveness: WorkerLiveness,
    @Inject(DriverEnv) private readonly env: DriverEnv,
  ) {}

  async run({
    tasks,
    collector,
    signal,
    moved,
    shortOfWorkers,
  }: {
    tasks: TaskMessage[];
    collector: ResultCollector;
    signal: AbortSignal;
    moved?: () => Promise<boolean>;
    shortOfWorkers?: () => Promise<boolean>;
  }): Promise<ResultMessage[]> {
    await this.dispatcher.dispatch({ tasks, collector, partitions: tasks.length });
    return watchGroup({
      tasks,
      collector,
      dispatcher: this.dispatcher,
      liveness: this.liveness,
      stallTimeoutMs: this.env.TUSK_STALL_TIMEOUT_S * 1000,
      signal,
      moved,
      shortOfWorkers,
    });
  }
}
