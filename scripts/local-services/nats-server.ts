import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitForPort } from './free-port.js';
import { ManagedProcess } from './managed-process.js';

export const NATS_INSTALL_HINT = 'nats-server is missing: install it with `sudo apt-get install -y nats-server`';

/** Stops at once with the install command when nats-server is not on the PATH. */
export function assertNatsServerInstalled(): void {
  try {
    execFileSync('nats-server', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error(NATS_INSTALL_HINT);
  }
}

export interface LocalNats {
  url: string;
  port: number;
  storeDir: string;
  process: ManagedProcess;
}

/** Starts a nats-server with JetStream on a free (or given) port with its own store directory. */
export async function startNatsServer({ storeDir, port, maxPayload, maxPendingBytes, user, pass }: { storeDir: string; port?: number; maxPayload?: number; maxPendingBytes?: number; user?: string; pass?: string }): Promise<LocalNats> {
  assertNatsServerInstalled();
  mkdirSync(storeDir, { recursive: true });
  const chosen = port ?? (await freePort());
  const args = ['-a', '127.0.0.1', '-p', String(chosen), '-js', '-sd', storeDir];
  if (maxPayload || maxPendingBytes) {
    // A config file, not flags: Debian's nats-server 2.9 has no --max_payload flag.
    const conf = join(storeDir, 'limits.conf');
    writeFileSync(conf, `${maxPayload ? `max_payload: ${maxPayload}\n` : ''}${maxPendingBytes ? `max_pending: ${maxPendingBytes}\n` : ''}`);
    args.push('-c', conf);
  }
  if (user && pass) args.push('--user', user, '--pass', pass);
  const proc = ManagedProcess.start({ name: 'nats', command: 'nats-server', args });
  await waitForPort({ port: chosen, timeoutMs: 15_000, what: 'nats-server' });
  return { url: `nats://127.0.0.1:${chosen}`, port: chosen, storeDir, process: proc };
}
