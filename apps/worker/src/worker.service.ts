import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Infra } from '@tusk/infra';
import { Heartbeat } from './tasks/heartbeat.js';
import { TaskRunner } from './training/task-runner.js';

/**
 * The worker's lifecycle around its task handler: the heartbeat runs from boot until after the transport has
 * closed (Nest closes it between the before-shutdown and shutdown hooks), so a task that finishes within the
 * grace period still has a live heartbeat; then the runner's caches go and the connections close.
 */
@Injectable()
export class WorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(Infra) private readonly infra: Infra,
    @Inject(Heartbeat) private readonly heartbeat: Heartbeat,
    @Inject(TaskRunner) private readonly runner: TaskRunner,
  ) {}

  onApplicationBootstrap(): void {
    this.heartbeat.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.heartbeat.stop();
    this.runner.dispose();
    await this.infra.close();
  }
}
