import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Infra } from '@tusk/infra';
import { JetStreamClientProxy } from '@tusk/messaging';
import { DriverEnv } from '../driver-env.js';
import { EventStream } from './event-stream.js';

@Global()
@Module({})
export class InfraModule implements OnApplicationShutdown {
  constructor(@Inject(Infra) private readonly infra: Infra) {}

  static forRoot(env: DriverEnv) {
    const connect = () => Infra.connect({ name: 'tusk-driver', env, onStatus: (text) => new Logger('Nats').warn(text) });
    return {
      module: InfraModule,
      providers: [
        { provide: DriverEnv, useValue: env },
        { provide: Infra, useFactory: connect },
        { provide: JetStreamClientProxy, useFactory: (infra: Infra) => new JetStreamClientProxy(() => infra), inject: [Infra] },
        EventStream,
      ],
      exports: [DriverEnv, Infra, JetStreamClientProxy, EventStream],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.infra.close();
  }
}
