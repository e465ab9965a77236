import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../scripts/local-services/index.js';
import { eventually } from '../harness/test-env.js';

/** Pids of every process whose parent chain leads to `root` (read from /proc). */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch { /* exited meanwhile */ }
  }
  const out: number[] = [];
  const walk = (pid: number) => { for (const [child, p] of parent) if (p === pid) { out.push(child); walk(child); } };
  walk(root);
  return out;
}

const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

describe('npm start (the local launcher)', () => {
  it('brings up nats-server, S3, driver, parameter server and workers, and Ctrl-C leaves no process behind', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(process.env.TUSK_TEST_ROOT!, 'launcher-'));
    // No NATS_URL / S3_ENDPOINT: the launcher starts its own nats-server and S3 server.
    const { NATS_URL: _nats, S3_ENDPOINT: _s3, ...inherited } = process.env;
    const env = { ...inherited, PORT: String(port), TUSK_WORKERS: '1', TUSK_DATA_DIR: dataDir };
    const launcher = spawn(process.execPath, [join(process.cwd(), 'dist/scripts/launch.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    launcher.stdout.on('data', (d) => { output += d; });
    launcher.stderr.on('data', (d) => { output += d; });
    const exited = new Promise<number | null>((resolve) => launcher.once('exit', (code) => resolve(code)));
    try {
      const health = await eventually(async () => {
        const res = await fetch(`http://127.0.0.1:${port}/health`).catch(() => null);
        return res?.ok ? res.json() : null;
      }, { timeoutMs: 90_000, what: 'the launched driver to be healthy' });
      expect(health).toMatchObject({ status: 'ok', nats: true, s3: true, backend: 'wasm' });
      await eventually(async () => output.includes('Tusk is up'), { timeoutMs: 60_000, what: 'the launcher banner' });
      const children = descendants(launcher.pid!);
      expect(children.length).toBeGreaterThanOrEqual(5); // nats-server, s3rver, driver, parameter server, worker

      launcher.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(output).toContain('stopped: no process left behind');
      await eventually(async () => children.every((pid) => !alive(pid)), { timeoutMs: 15_000, what: 'every child to exit' });
    } finally {
      if (launcher.exitCode === null) {
        for (const pid of descendants(launcher.pid!)) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
        launcher.kill('SIGKILL');
      }
    }
  }, 180_000);
});
