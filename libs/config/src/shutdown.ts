/**
 * Runs `close` once on SIGTERM or SIGINT and exits 0, so orchestrators see a clean stop
 * (Nest's own shutdown hooks re-raise the signal, which reads as a crash).
 */
export function closeOnSignals(close: () => Promise<void>, log: (text: string) => void = console.log): void {
  let closing = false;
  const handler = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    log(`${signal}: shutting down`);
    close().then(
      () => process.exit(0),
      (err) => {
        console.error('shutdown failed:', err);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', handler);
  process.once('SIGINT', handler);
}
