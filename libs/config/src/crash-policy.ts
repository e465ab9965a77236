const describe = (value: unknown): string => (value instanceof Error ? (value.stack ?? value.message) : String(value));

/**
 * What a service does with an error nothing caught: a stray rejection is logged with its stack and the
 * service goes on (its state is intact: the promise that failed owned nothing else); an uncaught exception
 * may have left in-memory state half-updated, so the service logs it and exits 1 for its supervisor
 * (compose, Kubernetes, `npm start`) to restart a clean process.
 */
export function installCrashPolicy(name: string, log: (line: string) => void = (line) => console.error(line)): void {
  process.on('unhandledRejection', (reason) => {
    log(`${name}: unhandled promise rejection (logged, service continues): ${describe(reason)}`);
  });
  process.on('uncaughtException', (err, origin) => {
    log(`${name}: ${origin} (exiting so that the supervisor restarts a clean process): ${describe(err)}`);
    process.exit(1);
  });
}
