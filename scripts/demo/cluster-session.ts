import { createWriteStream, mkdirSync, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LocalCluster } from '../cluster/local-cluster.js';

export interface ClusterSession {
  cluster: LocalCluster;
  dataDir: string;
  /** Where the services' prefixed logs go. */
  logPath: string;
  /** Stops every process the session started (idempotent); temp data but the log is removed. */
  stop(): Promise<void>;
}

/**
 * A LocalCluster for a demo or bench run: data in TUSK_DATA_DIR or a fresh temp dir, service logs in
 * `<dataDir>/services.log` (the terminal stays for the caller's own output), and Ctrl-C / SIGTERM
 * stopping everything before the process exits.
 */
export async function startClusterSession({
  workers,
  label,
  env = {},
}: {
  workers: number;
  label: string;
  env?: Record<string, string>;
}): Promise<ClusterSession> {
  const fromEnv = process.env.TUSK_DATA_DIR;
  const dataDir = fromEnv ? resolve(fromEnv) : mkdtempSync(join(tmpdir(), `tusk-${label}-`));
  mkdirSync(dataDir, { recursive: true });
  const logPath = join(dataDir, 'services.log');
  const logSink: WriteStream = createWriteStream(logPath, { flags: 'a' });
  const cluster = new LocalCluster({ dataDir, workers, logSink, env: { LOG_LEVEL: 'log', NO_COLOR: '1', ...env } });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
      try {
        await cluster.stop();
      } finally {
        // A service spawned while stop() ran (Ctrl-C during start-up) would not be in its list.
        for (const s of cluster.services) s.process.kill('SIGKILL');
        await new Promise<void>((r) => logSink.end(r));
        if (!fromEnv) for (const sub of ['nats', 's3']) rmSync(join(dataDir, sub), { recursive: true, force: true });
      }
    })();
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals, code: number) => {
    process.stderr.write(`\n${signal}: stopping the local cluster...\n`);
    void stop().finally(() => {
      process.stderr.write('stopped: no process left behind\n');
      process.exit(code);
    });
  };
  const onSigint = () => onSignal('SIGINT', 130);
  const onSigterm = () => onSignal('SIGTERM', 143);
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);

  try {
    await cluster.start();
  } catch (err) {
    await stop();
    throw new Error(`the local cluster did not start: ${(err as Error).message} (service logs: ${logPath})`, { cause: err });
  }
  return { cluster, dataDir, logPath, stop };
}
