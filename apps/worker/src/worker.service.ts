import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Infra } from '@tusk/infra';
import { WorkerMetrics } from './metrics/worker-metrics.js';
import { Heartbeat } from './tasks/heartbeat.js';
import { TaskLoop } from './tasks/task-loop.js';
import { TaskRunner } from './training/task-runner.js';
import { WorkerEnv } from './worker-env.js';
import { WORKER_IDENTITY, type WorkerIdentity } from './worker-identity.js';

/** Wires the task loop, the runner and the heartbeat to the app's lifecycle. */
@Injectable()
export class WorkerService implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerService.name);
  private readonly runner: TaskRunner;
  private readonly heartbeat: Heartbeat;
  private readonly loop: TaskLoop;

  constructor(
    @Inject(Infra) private readonly infra: Infra,
    @Inject(WorkerEnv) private readonly env: WorkerEnv,
    @Inject(WORKER_IDENTITY) identity: WorkerIdentity,
    @Inject(WorkerMetrics) metrics: WorkerMetrics,
  ) {
    this.runner = new TaskRunner(infra, identity.id, identity.backend, env.TUSK_PARTITION_CACHE_MB * 1024 * 1024, env.TUSK_REQUEST_TIMEOUT_MS, metrics);
    this.heartbeat = new Heartbeat(infra, { id: identity.id, backend: identity.backend, everyMs: env.TUSK_HEARTBEAT_S * 1000, cachedPartitions: () => this.runner.cachedPartitions() });
    this.loop = new TaskLoop(infra, this.runner, {
      workerId: identity.id,
      backend: identity.backend,
      maxAttempts: env.TUSK_TASK_MAX_ATTEMPTS,
      ackWaitMs: env.TUSK_TASK_ACK_WAIT_S * 1000,
      metrics,
      onTask: (task, sps) => {
        this.heartbeat.onTask(task, sps);
        if (sps !== undefined) metrics.taskFinished(sps);
      },
    });
  }

  onApplicationBootstrap(): void {
    this.heartbeat.start();
    this.loop.start();
    this.logger.log('pulling tasks');
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop(this.env.TUSK_SHUTDOWN_GRACE_S * 1000);
    await this.heartbeat.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    this.runner.dispose();
    await this.infra.close();
  }
}
