import 'reflect-metadata';
import { runService } from '@tusk/config';
import { createDriverApp } from './create-app.js';
import { DriverEnv } from './driver-env.js';

runService({
  name: 'driver',
  envClass: DriverEnv,
  start: async (env, logger) => {
    const app = await createDriverApp(env, logger);
    await app.listen(env.PORT, '0.0.0.0');
    return { banner: `listening on :${env.PORT}`, close: () => app.close() };
  },
});
