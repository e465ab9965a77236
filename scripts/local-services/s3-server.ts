import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ManagedProcess } from './managed-process.js';
import { waitUntilListening } from './port-owner.js';
import { startOnFreePort } from './start-on-free-port.js';

export interface LocalS3 {
  endpoint: string;
  port: number;
  process: ManagedProcess;
}

/** Spawns s3rver (a real S3 protocol server in Node) on the port with the bucket created; not yet listening. */
export function spawnS3Server({
  dataDir,
  bucket,
  port,
  detached,
}: {
  dataDir: string;
  bucket: string;
  port: number;
  detached?: boolean;
}): ManagedProcess {
  mkdirSync(dataDir, { recursive: true });
  const bin = createRequire(import.meta.url).resolve('s3rver/bin/s3rver.js');
  const args = [bin, '-d', dataDir, '-a', '127.0.0.1', '-p', String(port), '--silent', '--configure-bucket', bucket];
  return ManagedProcess.start({ name: 's3', command: process.execPath, args, options: { detached } });
}

/** Resolves once the s3rver we spawned, and not another process, listens on the port. */
export function s3ServerReady({ proc, port }: { proc: ManagedProcess; port: number }): Promise<void> {
  return waitUntilListening({ proc, port, what: 's3rver', timeoutMs: 15_000 });
}

/** Starts s3rver in its own process on the given port or a free one, and checks it is the one listening. */
export async function startS3Server({ dataDir, bucket, port }: { dataDir: string; bucket: string; port?: number }): Promise<LocalS3> {
  return startOnFreePort({
    port,
    start: async (chosen) => {
      const proc = spawnS3Server({ dataDir, bucket, port: chosen });
      try {
        await s3ServerReady({ proc, port: chosen });
      } catch (err) {
        await proc.stop();
        throw err;
      }
      return { endpoint: `http://127.0.0.1:${chosen}`, port: chosen, process: proc };
    },
  });
}
