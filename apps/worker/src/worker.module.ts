import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { Registry } from 'prom-client';
import { TerminusModule } from '@nestjs/terminus';
import { createMetricsRegistry, HealthController, healthProviders, Infra, MetricsController } from '@tusk/infra';
import { WorkerMetrics } from './metrics/worker-metrics.js';
import { WorkerEnv } from './worker-env.js';
import { WORKER_IDENTITY, type WorkerIdentity } from './worker-identity.js';
import { WorkerService } from './worker.service.js';

@Module({})
export class WorkerModule {
  static forRoot(env: WorkerEnv, identity: WorkerIdentity): DynamicModule {
    const connect = () => Infra.connect({ name: `tusk-worker-${identity.id}`, env, onStatus: (text) => new Logger('Nats').warn(text) });
    return {
      module: WorkerModule,
      imports: [TerminusModule],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: WorkerEnv, useValue: env },
        { provide: WORKER_IDENTITY, useValue: identity },
        { provide: Infra, useFactory: connect },
        { provide: Registry, useFactory: () => createMetricsRegistry({ service: 'worker', labels: { worker: identity.id } }) },
        ...healthProviders({ service: 'worker', id: identity.id, tfjs: true }),
        WorkerMetrics,
        WorkerService,
      ],
    };
  }
}
