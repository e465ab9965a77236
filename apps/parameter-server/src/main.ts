import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { runService } from '@tusk/config';
import { Infra } from '@tusk/infra';
import { ParameterServerModule } from './ps.module.js';
import { ParameterServerEnv } from './ps-env.js';

runService({
  name: 'parameter-server',
  envClass: ParameterServerEnv,
  start: async (env, logger) => {
    const app = await NestFactory.create(ParameterServerModule.forRoot(env), { logger });
    logger.sendJobLinesTo(app.get(Infra).jobLogs);
    await app.listen(env.HEALTH_PORT, '0.0.0.0');
    return { banner: `health on :${env.HEALTH_PORT}`, close: () => app.close() };
  },
});
