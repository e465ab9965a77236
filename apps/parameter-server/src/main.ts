import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { logLevels, runService } from '@tusk/config';
import { ParameterServerModule } from './ps.module.js';
import { ParameterServerEnv } from './ps-env.js';

runService({
  name: 'parameter-server',
  envClass: ParameterServerEnv,
  start: async (env) => {
    const app = await NestFactory.create(ParameterServerModule.forRoot(env), { logger: logLevels(env.LOG_LEVEL) });
    await app.listen(env.HEALTH_PORT, '0.0.0.0');
    return { banner: `health on :${env.HEALTH_PORT}`, close: () => app.close() };
  },
});
