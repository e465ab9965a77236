import 'reflect-metadata';
import { Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { closeOnSignals, loadEnv } from '@tusk/config';
import { selectBackend } from '@tusk/model';
import { WorkerEnv } from './worker-env.js';
import { defaultWorkerId } from './worker-identity.js';
import { WorkerModule } from './worker.module.js';

const LEVELS: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

async function main(): Promise<void> {
  let env: WorkerEnv;
  try {
    env = loadEnv(WorkerEnv);
  } catch (err) {
    console.error(`worker: ${(err as Error).message}`);
    process.exit(1);
  }
  const backend = await selectBackend(env.TUSK_BACKEND);
  const identity = { id: env.WORKER_ID ?? defaultWorkerId(), backend };
  const app = await NestFactory.create(WorkerModule.forRoot(env, identity), { logger: LEVELS.slice(0, LEVELS.indexOf(env.LOG_LEVEL) + 1) });
  closeOnSignals(() => app.close());
  await app.listen(env.HEALTH_PORT, '0.0.0.0');
  new Logger('Worker').log(`worker ${identity.id} on backend ${backend}, health on :${env.HEALTH_PORT}`);
}

main().catch((err) => {
  console.error('worker failed to start:', err);
  process.exit(1);
});
