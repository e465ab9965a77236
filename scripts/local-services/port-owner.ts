import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { waitForPort } from './free-port.js';
import type { ManagedProcess } from './managed-process.js';

/** Another process holds the port a service was started on: whoever answers there is not ours. */
export class PortTakenError extends Error {
  constructor(
    readonly port: number,
    holder: string,
  ) {
    super(`port ${port} is held by ${holder}`);
    this.name = 'PortTakenError';
  }
}

const LISTEN = '0A';

/** Inodes of the sockets listening on the TCP port, on any address; null where /proc cannot tell (not Linux). */
function listeningInodes(port: number): Set<string> | null {
  const inodes = new Set<string>();
  let readable = false;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    readable = true;
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || fields[3] !== LISTEN) continue;
      if (parseInt(fields[1].split(':')[1], 16) === port) inodes.add(fields[9]);
    }
  }
  return readable ? inodes : null;
}

function holdsSocket(pid: number, inodes: Set<string>): boolean {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false; // exited, or not ours to read
  }
  for (const fd of fds) {
    let target = '';
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      /* closed meanwhile */
    }
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode && inodes.has(inode)) return true;
  }
  return false;
}

/** Who listens on the port as seen from `pid`: itself, another process, nobody, or unknown without /proc. */
export function portListener({ pid, port }: { pid: number | undefined; port: number }): 'self' | 'other' | 'none' | 'unknown' {
  const inodes = listeningInodes(port);
  if (!inodes) return 'unknown';
  if (inodes.size === 0) return 'none';
  return pid !== undefined && holdsSocket(pid, inodes) ? 'self' : 'other';
}

/** Who listens on the port, for error messages: `pid 123 (nats-server -p 4222 …)`, or null when nobody does. */
export function portHolder(port: number): string | null {
  const inodes = listeningInodes(port);
  if (!inodes || inodes.size === 0) return null;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || !holdsSocket(Number(entry), inodes)) continue;
    let cmdline = '?';
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
    } catch {
      /* exited meanwhile */
    }
    return `pid ${entry} (${cmdline.slice(0, 120)})`;
  }
  return 'another process';
}

/** Throws PortTakenError when a process other than `pid` listens on the port (where /proc can tell). */
export function assertListensOn({ pid, port }: { pid: number | undefined; port: number }): void {
  if (portListener({ pid, port }) === 'other') throw new PortTakenError(port, portHolder(port) ?? 'another process');
}

/**
 * Resolves once `proc` itself listens on the port; PortTakenError as soon as another process holds it
 * (a bind of ours would fail there, and waiting for "something" to accept would talk to that other one).
 */
export async function waitUntilListening({
  proc,
  port,
  what,
  timeoutMs,
}: {
  proc: ManagedProcess;
  port: number;
  what: string;
  timeoutMs: number;
}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const listener = portListener({ pid: proc.pid, port });
    if (listener === 'self') return;
    if (listener === 'other') throw new PortTakenError(port, portHolder(port) ?? 'another process');
    if (listener === 'unknown') {
      await waitForPort({ port, timeoutMs, what });
      if (proc.running) return;
    }
    if (!proc.running) throw new Error(`${what} exited (${proc.exitDescription}) before it listened on port ${port}`);
    if (Date.now() > deadline) throw new Error(`${what} did not open port ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
