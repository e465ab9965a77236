import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { runService } from '@tusk/config';
import { Infra } from '@tusk/infra';
import { TASKS_STREAM, workerTasksConsumer } from '@tusk/contracts';
import { ensureWorkerTaskConsumer, JetStreamServer } from '@tusk/messaging';
import { selectBackend } from '@tusk/model';
import { warmUpBackend } from './training/warm-up.js';
import { WorkerEnv } from './worker-env.js';
import { defaultWorkerId } from './worker-identity.js';
import { WorkerModule } from './worker.module.js';

runService({
  name: 'worker',
  envClass: WorkerEnv,
  start: async (env, logger) => {
    const backend = await selectBackend(env.TUSK_BACKEND);
    await warmUpBackend();
    const identity = { id: env.WORKER_ID ?? defaultWorkerId(), backend };
    logger.instance = identity.id;
    const app = await NestFactory.create(WorkerModule.forRoot(env, identity), { logger });
    const infra = app.get(Infra);
    logger.sendJobLinesTo(infra.jobLogs);
    // A hybrid app: HTTP for health and metrics, the JetStream transport for tasks (TaskController).
    const strategy = new JetStreamServer({
      connection: () => infra,
      ackWaitMs: env.TUSK_TASK_ACK_WAIT_S * 1000,
      graceMs: env.TUSK_SHUTDOWN_GRACE_S * 1000,
      // Tasks the driver addressed to this worker (it holds their partitions) come first.
      ownConsumer: {
        stream: TASKS_STREAM,
        name: workerTasksConsumer(identity.id),
        ensure: () =>
          ensureWorkerTaskConsumer(infra.jsm, {
            workerId: identity.id,
            ackWaitMs: env.TUSK_TASK_ACK_WAIT_S * 1000,
            maxDeliver: env.TUSK_TASK_MAX_ATTEMPTS,
          }),
      },
    });
    app.connectMicroservice({ strategy });
    await app.init();
    await app.startAllMicroservices();
    await app.listen(env.HEALTH_PORT, '0.0.0.0');
    return { banner: `worker ${identity.id} on backend ${backend}, health on :${env.HEALTH_PORT}`, close: () => app.close() };
  },
});
