import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { freePort, waitForPort } from './free-port.js';
import { ManagedProcess } from './managed-process.js';

export interface LocalS3 {
  endpoint: string;
  port: number;
  process: ManagedProcess;
}

/** Starts s3rver (a real S3 protocol server in Node) in its own process, with the bucket created. */
export async function startS3Server({ dataDir, bucket, port }: { dataDir: string; bucket: string; port?: number }): Promise<LocalS3> {
  mkdirSync(dataDir, { recursive: true });
  const chosen = port ?? (await freePort());
  const bin = createRequire(import.meta.url).resolve('s3rver/bin/s3rver.js');
  const args = [bin, '-d', dataDir, '-a', '127.0.0.1', '-p', String(chosen), '--silent', '--configure-bucket', bucket];
  const proc = ManagedProcess.start({ name: 's3', command: process.execPath, args });
  await waitForPort({ port: chosen, timeoutMs: 15_000, what: 's3rver' });
  return { endpoint: `http://127.0.0.1:${chosen}`, port: chosen, process: proc };
}
