import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManagedProcess } from './managed-process.js';
import { readNatsInfo } from './nats-info.js';
import { PortTakenError, portHolder } from './port-owner.js';
import { startOnFreePort } from './start-on-free-port.js';

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

export interface NatsServerOptions {
  storeDir: string;
  maxPayload?: number;
  maxPendingBytes?: number;
  user?: string;
  pass?: string;
}

/** A server name of its own, so the INFO line tells this nats-server from any other on the port. */
export const uniqueNatsName = (): string => `tusk-${randomBytes(6).toString('hex')}`;

/** Spawns nats-server with JetStream on the port; natsServerReady says when it, and not another, answers there. */
export function spawnNatsServer({
  storeDir,
  port,
  name,
  maxPayload,
  maxPendingBytes,
  user,
  pass,
  detached,
}: NatsServerOptions & { port: number; name: string; detached?: boolean }): ManagedProcess {
  mkdirSync(storeDir, { recursive: true });
  const args = ['-a', '127.0.0.1', '-p', String(port), '-n', name, '-js', '-sd', storeDir];
  if (maxPayload || maxPendingBytes) {
    // A config file, not flags: Debian's nats-server 2.9 has no --max_payload flag.
    const conf = join(storeDir, 'limits.conf');
    writeFileSync(conf, `${maxPayload ? `max_payload: ${maxPayload}\n` : ''}${maxPendingBytes ? `max_pending: ${maxPendingBytes}\n` : ''}`);
    args.push('-c', conf);
  }
  if (user && pass) args.push('--user', user, '--pass', pass);
  return ManagedProcess.start({ name: 'nats', command: 'nats-server', args, options: { detached } });
}

/**
 * Resolves once the server answering on the port introduces itself as `name` and `proc` still runs;
 * PortTakenError when another process answers there (it would otherwise serve this caller its own store).
 */
export async function natsServerReady({
  proc,
  port,
  name,
  timeoutMs = 15_000,
}: {
  proc: ManagedProcess;
  port: number;
  name: string;
  timeoutMs?: number;
}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = await readNatsInfo({ port });
    if (info && info.server_name === name && proc.running) return;
    if (info && info.server_name !== name) {
      throw new PortTakenError(
        port,
        typeof info.server_name === 'string'
          ? `another nats-server ("${info.server_name}", ${portHolder(port) ?? 'pid unknown'})`
          : (portHolder(port) ?? 'a process that is not a nats-server'),
      );
    }
    if (!proc.running) {
      const holder = portHolder(port);
      if (holder) throw new PortTakenError(port, holder);
      throw new Error(`nats-server exited (${proc.exitDescription}) before it listened on port ${port}`);
    }
    if (Date.now() > deadline) throw new Error(`nats-server did not open port ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts a nats-server with JetStream and its own store directory on the given port, or on a free
 * one (another free one if some other process takes it first), and checks it is the one answering.
 */
export async function startNatsServer({ port, ...options }: NatsServerOptions & { port?: number }): Promise<LocalNats> {
  assertNatsServerInstalled();
  return startOnFreePort({
    port,
    start: async (chosen) => {
      const name = uniqueNatsName();
      const proc = spawnNatsServer({ ...options, port: chosen, name });
      try {
        await natsServerReady({ proc, port: chosen, name });
      } catch (err) {
        await proc.stop();
        throw err;
      }
      return { url: `nats://127.0.0.1:${chosen}`, port: chosen, storeDir: options.storeDir, process: proc };
    },
  });
}
