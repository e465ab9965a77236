import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalCluster } from '../../scripts/cluster/local-cluster.js';

export interface BenchCluster {
  dataDir: string;
  /** Where every service's prefixed log lines go (kept after stop()). */
  logPath: string;
  cluster: LocalCluster;
  /** Stops the cluster once (later calls do nothing), SIGKILLs what is left, closes the log and removes the NATS and S3 stores. */
  stop: () => Promise<void>;
}

/**
 * A LocalCluster (not started yet) in a fresh temp dir `<tmp>/<prefix>XXXXXX`, logging to services.log there.
 * SIGINT / SIGTERM stop it and exit with 130.
 */
export function benchCluster(prefix: string, { workers, env }: { workers: number; env: Record<string, string> }): BenchCluster {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const logPath = join(dataDir, 'services.log');
  const logSink = createWriteStream(logPath, { flags: 'a' });
  const cluster = new LocalCluster({ dataDir, workers, logSink, env });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      await cluster.stop();
    } finally {
      for (const s of cluster.services) s.process.kill('SIGKILL');
      await new Promise<void>((r) => logSink.end(r));
      for (const sub of ['nats', 's3']) rmSync(join(dataDir, sub), { recursive: true, force: true });
    }
  };
  const onSignal = () => {
    void stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return { dataDir, logPath, cluster, stop };
}

/** Runs a bench's main and exits with its code; a throw is printed as `<name> crashed:` and exits with 1. */
export function runMain(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(`${name} crashed:`, err);
      process.exit(1);
    },
  );
}
