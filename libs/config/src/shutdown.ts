export interface ShutdownLog {
  log: (text: string) => void;
  error: (text: string, stack?: string) => void;
}

const consoleLog: ShutdownLog = { log: console.log, error: (text, stack) => console.error(stack ? `${text}: ${stack}` : text) };

/**
 * Runs `close` once on SIGTERM or SIGINT and exits 0, so orchestrators see a clean stop
 * (Nest's own shutdown hooks re-raise the signal, which reads as a crash).
 */
export function closeOnSignals(close: () => Promise<void>, log: ShutdownLog = consoleLog): void {
  let closing = false;
  const handler = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    log.log(`${signal}: shutting down`);
    close().then(
      () => process.exit(0),
      (err) => {
        log.error(`shutdown failed: ${(err as Error)?.message ?? err}`, (err as Error)?.stack);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', handler);
  process.once('SIGINT', handler);
}
