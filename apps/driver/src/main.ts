import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { closeOnSignals, loadEnv } from '@tusk/config';
import { createDriverApp } from './create-app.js';
import { DriverEnv } from './driver-env.js';

async function main(): Promise<void> {
  let env: DriverEnv;
  try {
    env = loadEnv(DriverEnv);
  } catch (err) {
    console.error(`driver: ${(err as Error).message}`);
    process.exit(1);
  }
  const app = await createDriverApp(env);
  closeOnSignals(() => app.close());
  await app.listen(env.PORT, '0.0.0.0');
  new Logger('Driver').log(`listening on :${env.PORT}`);
}

main().catch((err) => {
  console.error('driver failed to start:', err);
  process.exit(1);
});
