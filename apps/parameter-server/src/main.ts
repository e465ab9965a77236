import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { runService } from '@tusk/config';
import { Infra } from '@tusk/infra';
import { JetStreamServer } from '@tusk/messaging';
import { ParameterServerModule } from './ps.module.js';
import { ParameterServerEnv } from './ps-env.js';

/** On stop, how long the pushes in hand may take to be answered (a push never answered is sent again by its worker). */
const PUSH_GRACE_MS = 10_000;

runService({
  name: 'parameter-server',
  envClass: ParameterServerEnv,
  start: async (env, logger) => {
    const app = await NestFactory.create(ParameterServerModule.forRoot(env), { logger });
    const infra = app.get(Infra);
    logger.sendJobLinesTo(infra.jobLogs);
    // A hybrid app: HTTP for health and metrics, the NATS transport for pushes (PushController).
    app.connectMicroservice({
      strategy: new JetStreamServer({ connection: () => infra, ackWaitMs: env.TUSK_TASK_ACK_WAIT_S * 1000, graceMs: PUSH_GRACE_MS }),
    });
    await app.init();
    await app.startAllMicroservices();
    await app.listen(env.HEALTH_PORT, '0.0.0.0');
    return { banner: `health on :${env.HEALTH_PORT}`, close: () => app.close() };
  },
});
