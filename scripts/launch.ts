import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { LocalCluster } from './cluster/local-cluster.js';

/**
 * `npm start`: Tusk on this machine. Starts nats-server and s3rver unless NATS_URL / S3_ENDPOINT
 * point elsewhere, then the driver, the parameter server and TUSK_WORKERS workers, restarts any of
 * them that crashes (with backoff); Ctrl-C stops all.
 */
export async function launch(): Promise<LocalCluster> {
  const workers = Number(process.env.TUSK_WORKERS ?? cpus().length);
  if (!Number.isInteger(workers) || workers < 0) throw new Error(`TUSK_WORKERS=${process.env.TUSK_WORKERS}: must be a whole number`);
  const cluster = new LocalCluster({
    dataDir: resolve(process.env.TUSK_DATA_DIR ?? '.tusk'),
    workers,
    natsUrl: process.env.NATS_URL,
    s3Endpoint: process.env.S3_ENDPOINT,
    driverPort: Number(process.env.PORT ?? 8080),
    restartOnCrash: true,
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping Tusk...`);
    await cluster.stop();
    console.log('stopped: no process left behind');
    process.exit(0);
  };
  // SIGHUP too: the services run in their own process group, so a closed terminal reaches only the launcher.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(signal));
  try {
    await cluster.start();
  } catch (err) {
    if (!stopping) {
      console.error(`tusk: ${(err as Error).message}`);
      await cluster.stop();
      process.exit(1);
    }
    // Ctrl-C during the start: the signal's stop() finishes the job and exits.
    await new Promise(() => {});
  }
  return cluster;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const cluster = await launch();
  console.log(
    `Tusk is up: dashboard ${cluster.driverUrl}/ (API docs ${cluster.driverUrl}/api/docs, ` +
      `health ${cluster.driverUrl}/health), ${cluster.workers().length} workers. Ctrl-C stops everything.`,
  );
}
