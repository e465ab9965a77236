import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessInfo {
  pid: number;
  cmdline: string;
}

/** Every live process whose parent chain leads to `root`, with its command line, read from /proc ([] without it). */
export function descendants(root: number): ProcessInfo[] {
  const parent = new Map<number, number>();
  const zombies = new Set<number>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(entry), Number(ppid));
      if (state === 'Z') zombies.add(Number(entry)); // exited, not yet reaped: nothing left running
    } catch {
      /* exited meanwhile */
    }
  }
  const out: ProcessInfo[] = [];
  const walk = (pid: number) => {
    for (const [child, p] of parent) {
      if (p !== pid) continue;
      let cmdline = '';
      try {
        cmdline = readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0').join(' ').trim();
      } catch {
        /* exited meanwhile */
      }
      if (!zombies.has(child)) out.push({ pid: child, cmdline });
      walk(child);
    }
  };
  walk(root);
  return out;
}

/** The process's environment (for a child of ours: which service it is, on which port), {} once it is gone. */
export function processEnv(pid: number): Record<string, string> {
  try {
    return Object.fromEntries(
      readFileSync(`/proc/${pid}/environ`, 'utf8')
        .split('\0')
        .filter(Boolean)
        .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
    );
  } catch {
    return {};
  }
}
