import type { ClassConstructor } from 'class-transformer';
import type { BaseEnv } from './base-env.js';
import { installCrashPolicy } from './crash-policy.js';
import { closeOnSignals } from './shutdown.js';
import { loadEnv } from './load-env.js';
import { TuskLogger } from './logging/tusk-logger.js';
import { routeConsoleTo } from './logging/console-to-logger.js';
import type { ServiceName } from './logging/log-record.js';

export interface RunningService {
  /** What to say once it is up (port, backend, ...). */
  banner: string;
  close: () => Promise<void>;
}

/** Lines about the service itself: `name: text` as always, or JSON records (context `Service`) with LOG_FORMAT=json. */
function serviceLines(name: string, logger: TuskLogger, json: boolean) {
  return {
    info: (text: string) => (json ? logger.announce(text, 'Service') : console.log(`${name}: ${text}`)),
    error: (text: string, stack?: string) =>
      json ? logger.error(text, stack, 'Service') : console.error(`${name}: ${stack ? `${text}: ${stack}` : text}`),
  };
}

/**
 * The one way a Tusk service starts: validate the environment (exit 1 naming the variable),
 * start with the service's logger (LOG_FORMAT, LOG_LEVEL), close cleanly on SIGTERM/SIGINT; any failure
 * to start is printed and exits 1. Errors that escape at run time follow the crash policy (see installCrashPolicy).
 */
export function runService<E extends BaseEnv>({
  name,
  envClass,
  start,
}: {
  name: ServiceName;
  envClass: ClassConstructor<E>;
  start: (env: E, logger: TuskLogger) => Promise<RunningService>;
}): void {
  let env: E;
  // Until the environment is valid, LOG_FORMAT is read as given (anything but json is text).
  let json = process.env.LOG_FORMAT === 'json';
  let logger = new TuskLogger({ service: name, format: json ? 'json' : 'text', level: 'log' });
  try {
    env = loadEnv(envClass);
  } catch (err) {
    serviceLines(name, logger, json).error((err as Error).message);
    process.exit(1);
  }
  json = env.LOG_FORMAT === 'json';
  logger = new TuskLogger({ service: name, format: env.LOG_FORMAT, level: env.LOG_LEVEL });
  const lines = serviceLines(name, logger, json);
  if (json) routeConsoleTo(logger);
  installCrashPolicy(name, (line) => (json ? logger.fatal(line, 'Service') : console.error(line)));
  start(env, logger).then(
    (service) => {
      closeOnSignals(service.close, { log: lines.info, error: lines.error });
      lines.info(service.banner);
    },
    (err) => {
      if (json) lines.error(`failed to start: ${(err as Error)?.message ?? err}`, (err as Error)?.stack);
      else console.error(`${name} failed to start: ${(err as Error)?.stack ?? err}`);
      process.exit(1);
    },
  );
}
