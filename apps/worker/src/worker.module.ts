import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { Registry } from 'prom-client';
import { TerminusModule } from '@nestjs/terminus';
import { createMetricsRegistry, HealthController, healthProviders, Infra, MetricsController } from '@tusk/infra';
import { JetStreamClientProxy } from '@tusk/messaging';
import { WorkerMetrics } from './metrics/worker-metrics.js';
import { Heartbeat } from './tasks/heartbeat.js';
import { ResultPublisher } from './tasks/result-publisher.js';
import { TaskController } from './tasks/task.controller.js';
import { TaskRunner } from './training/task-runner.js';
import { WorkerEnv } from './worker-env.js';
import { WORKER_IDENTITY, type WorkerIdentity } from './worker-identity.js';
import { WorkerService } from './worker.service.js';

/** HTTP health and metrics, and the task handler that `main.ts` connects to the JetStream transport. */
@Module({})
export class WorkerModule {
  static forRoot(env: WorkerEnv, identity: WorkerIdentity): DynamicModule {
    const connect = () => Infra.connect({ name: `tusk-worker-${identity.id}`, env, onStatus: (text) => new Logger('Nats').warn(text) });
    return {
      module: WorkerModule,
      imports: [TerminusModule],
      controllers: [HealthController, MetricsController, TaskController],
      providers: [
        { provide: WorkerEnv, useValue: env },
        { provide: WORKER_IDENTITY, useValue: identity },
        { provide: Infra, useFactory: connect },
        { provide: Registry, useFactory: () => createMetricsRegistry({ service: 'worker', labels: { worker: identity.id } }) },
        ...healthProviders({ service: 'worker', id: identity.id, tfjs: true }),
        { provide: JetStreamClientProxy, useFactory: (infra: Infra) => new JetStreamClientProxy(() => infra), inject: [Infra] },
        {
          provide: TaskRunner,
          useFactory: (infra: Infra, metrics: WorkerMetrics) =>
            new TaskRunner(
              infra,
              identity.id,
              identity.backend,
              env.TUSK_PARTITION_CACHE_MB * 1024 * 1024,
              env.TUSK_REQUEST_TIMEOUT_MS,
              metrics,
            ),
          inject: [Infra, WorkerMetrics],
        },
        {
          provide: Heartbeat,
          useFactory: (infra: Infra, runner: TaskRunner) =>
            new Heartbeat(infra, {
              id: identity.id,
              backend: identity.backend,
              everyMs: env.TUSK_HEARTBEAT_S * 1000,
              cachedPartitions: () => runner.cachedPartitions(),
            }),
          inject: [Infra, TaskRunner],
        },
        WorkerMetrics,
        ResultPublisher,
        WorkerService,
      ],
    };
  }
}
