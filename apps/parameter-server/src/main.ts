import 'reflect-metadata';
import { Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { closeOnSignals, loadEnv } from '@tusk/config';
import { ParameterServerModule } from './ps.module.js';
import { ParameterServerEnv } from './ps-env.js';

const LEVELS: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

async function main(): Promise<void> {
  let env: ParameterServerEnv;
  try {
    env = loadEnv(ParameterServerEnv);
  } catch (err) {
    console.error(`parameter-server: ${(err as Error).message}`);
    process.exit(1);
  }
  const app = await NestFactory.create(ParameterServerModule.forRoot(env), { logger: LEVELS.slice(0, LEVELS.indexOf(env.LOG_LEVEL) + 1) });
  closeOnSignals(() => app.close());
  await app.listen(env.HEALTH_PORT, '0.0.0.0');
  new Logger('ParameterServer').log(`health on :${env.HEALTH_PORT}`);
}

main().catch((err) => {
  console.error('parameter-server failed to start:', err);
  process.exit(1);
});
