import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Infra } from '@tusk/infra';
import { DriverEnv } from '../driver-env.js';

@Global()
@Module({})
export class InfraModule implements OnApplicationShutdown {
  constructor(@Inject(Infra) private readonly infra: Infra) {}

  static forRoot(env: DriverEnv) {
    const connect = async () => {
      const infra = await Infra.connect({ name: 'tusk-driver', env, taskAckWaitMs: env.TUSK_TASK_ACK_WAIT_S * 1000, taskMaxAttempts: env.TUSK_TASK_MAX_ATTEMPTS });
      const logger = new Logger('Nats');
      infra.onStatus((text) => logger.warn(text));
      return infra;
    };
    return {
      module: InfraModule,
      providers: [{ provide: DriverEnv, useValue: env }, { provide: Infra, useFactory: connect }],
      exports: [DriverEnv, Infra],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.infra.close();
  }
}
