import { Inject, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Registry } from 'prom-client';
import { TerminusModule } from '@nestjs/terminus';
import { createMetricsRegistry, HealthController, healthProviders, Infra, MetricsController } from '@tusk/infra';
import { PushMetrics } from './metrics/push-metrics.js';
import { ParameterServerEnv } from './ps-env.js';
import { PushController } from './push/push.controller.js';
import { PushService } from './push/push.service.js';
import { VersionEvents } from './push/version-events.js';

/**
 * The parameter server: applies the pushes of asynchronous and hogwild jobs (`PushController`, over the JetStream
 * transport), reports health.
 */
@Module({})
export class ParameterServerModule implements OnApplicationShutdown {
  constructor(@Inject(Infra) private readonly infra: Infra) {}

  static forRoot(env: ParameterServerEnv): DynamicModule {
    const connect = () => Infra.connect({ name: 'tusk-parameter-server', env, onStatus: (text) => new Logger('Nats').warn(text) });
    return {
      module: ParameterServerModule,
      imports: [TerminusModule],
      controllers: [HealthController, MetricsController, PushController],
      providers: [
        { provide: ParameterServerEnv, useValue: env },
        { provide: Infra, useFactory: connect },
        { provide: Registry, useFactory: () => createMetricsRegistry({ service: 'parameter-server' }) },
        ...healthProviders({ service: 'parameter-server' }),
        PushMetrics,
        PushService,
        VersionEvents,
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.infra.close();
  }
}
