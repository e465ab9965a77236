import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { Infra } from '@tusk/infra';
import { HealthController } from './health/health.controller.js';
import { WorkerEnv } from './worker-env.js';
import { WORKER_IDENTITY, type WorkerIdentity } from './worker-identity.js';
import { WorkerService } from './worker.service.js';

@Module({})
export class WorkerModule {
  static forRoot(env: WorkerEnv, identity: WorkerIdentity): DynamicModule {
    const connect = async () => {
      const infra = await Infra.connect({ name: `tusk-worker-${identity.id}`, env, taskAckWaitMs: env.TUSK_TASK_ACK_WAIT_S * 1000, taskMaxAttempts: env.TUSK_TASK_MAX_ATTEMPTS });
      const logger = new Logger('Nats');
      infra.onStatus((text) => logger.warn(text));
      return infra;
    };
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
