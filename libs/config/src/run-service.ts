import type { ClassConstructor } from 'class-transformer';
import { installCrashPolicy } from './crash-policy.js';
import { closeOnSignals } from './shutdown.js';
import { loadEnv } from './load-env.js';

export interface RunningService {
  /** What to say once it is up (port, backend, ...). */
  banner: string;
  close: () => Promise<void>;
}

/**
 * The one way a Tusk service starts: validate the environment (exit 1 naming the variable),
 * start, close cleanly on SIGTERM/SIGINT; any failure to start is printed and exits 1. Errors that
 * escape at run time follow the crash policy (see installCrashPolicy).
 */
export function runService<E extends object>({ name, envClass, start }: { name: string; envClass: ClassConstructor<E>; start: (env: E) => Promise<RunningService> }): void {
  let env: E;
  try {
    env = loadEnv(envClass);
  } catch (err) {
    console.error(`${name}: ${(err as Error).message}`);
    process.exit(1);
  }
  installCrashPolicy(name);
  start(env).then(
    (service) => {
      closeOnSignals(service.close, (text) => console.log(`${name}: ${text}`));
      console.log(`${name}: ${service.banner}`);
    },
    (err) => {
      console.error(`${name} failed to start: ${(err as Error)?.stack ?? err}`);
      process.exit(1);
    },
  );
}
