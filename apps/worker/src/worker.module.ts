import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { Infra } from '@tusk/infra';
import { HealthController } from './health/health.controller.js';
import { WorkerEnv } from './worker-env.js';
import { WORKER_IDENTITY, type WorkerIdentity } from './worker-identity.js';
import { WorkerService } from './worker.service.js';

@Module({})
export class WorkerModule {
  static forRoot(env: WorkerEnv, identity: WorkerIdentity): DynamicModule {
    const connect = () => Infra.connect({ name: `tusk-worker-${identity.id}`, env, onStatus: (text) => new Logger('Nats').warn(text) });
    return {
      module: WorkerModule,
      controllers: [HealthController],
      providers: [
        { provide: WorkerEnv, useValue: env },
        { provide: WORKER_IDENTITY, useValue: identity },
        { provide: Infra, useFactory: connect },
        WorkerService,
      ],
    };
  }
}
