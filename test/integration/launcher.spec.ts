import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { RestartBackoff } from '../../scripts/cluster/restart-backoff.js';
import { descendants, freePort, portListener, processEnv, type ProcessInfo } from '../../scripts/local-services/index.js';
import { eventually } from '../harness/test-env.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The launched process that `matches`, other than `not` (the one killed before). */
function launched(root: number, matches: (p: ProcessInfo) => boolean, not?: number): ProcessInfo | undefined {
  return descendants(root).find((p) => p.pid !== not && matches(p));
}

/** /health of the service on the port, only when `pid` itself answers there. */
async function healthFrom({ pid, port }: { pid: number; port: number }): Promise<Record<string, unknown> | null> {
  const res = await fetch(`http://127.0.0.1:${port}/health`).catch(() => null);
  if (!res?.ok || portListener({ pid, port }) !== 'self') return null;
  return res.json() as Promise<Record<string, unknown>>;
}

const isWorker1 = (p: ProcessInfo) => p.cmdline.includes('dist/apps/worker/') && processEnv(p.pid).WORKER_ID === 'worker-1';
const isDriver = (p: ProcessInfo) => p.cmdline.includes('dist/apps/driver/');
const isNats = (p: ProcessInfo) => p.cmdline.startsWith('nats-server');
const isS3 = (p: ProcessInfo) => p.cmdline.includes('s3rver');
const flag = (p: ProcessInfo, name: string) => {
  const args = p.cmdline.split(' ');
  return args[args.indexOf(name) + 1];
};

describe('restart backoff', () => {
  it('doubles from 1 s up to 30 s while a service keeps crashing, and starts over after a minute up', () => {
    const backoff = new RestartBackoff();
    expect(Array.from({ length: 7 }, () => backoff.next({ upMs: 2_000 }))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    expect(backoff.next({ upMs: 60_000 })).toBe(1_000);
    expect(backoff.next({ upMs: 59_000 })).toBe(2_000);
  });
});

describe('npm start (the local launcher)', () => {
  it('brings everything up, restarts crashed services under their name, port and store, and Ctrl-C leaves no process behind', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(process.env.TUSK_TEST_ROOT!, 'launcher-'));
    // No NATS_URL / S3_ENDPOINT: the launcher starts its own nats-server and S3 server.
    const { NATS_URL: _nats, S3_ENDPOINT: _s3, ...inherited } = process.env;
    const env = { ...inherited, PORT: String(port), TUSK_WORKERS: '1', TUSK_DATA_DIR: dataDir };
    const launcher = spawn(process.execPath, [join(process.cwd(), 'dist/scripts/launch.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    launcher.stdout.on('data', (d) => {
      output += d;
    });
    launcher.stderr.on('data', (d) => {
      output += d;
    });
    const exited = new Promise<number | null>((resolve) => launcher.once('exit', (code) => resolve(code)));
    const root = launcher.pid!;
    try {
      const health = await eventually(
        async () => {
          const res = await fetch(`http://127.0.0.1:${port}/health`).catch(() => null);
          return res?.ok ? res.json() : null;
        },
        { timeoutMs: 90_000, what: 'the launched driver to be healthy' },
      );
      expect(health).toMatchObject({
        status: 'ok',
        info: { nats: { status: 'up' }, s3: { status: 'up' }, backend: { status: 'up', name: 'wasm' } },
      });
      await eventually(async () => output.includes('Tusk is up'), { timeoutMs: 60_000, what: 'the launcher banner' });
      expect(descendants(root).length).toBeGreaterThanOrEqual(5); // nats-server, s3rver, driver, parameter server, worker

      // A SIGKILLed worker comes back as a new process with the same name and health port.
      const worker = launched(root, isWorker1)!;
      const healthPort = Number(processEnv(worker.pid).HEALTH_PORT);
      process.kill(worker.pid, 'SIGKILL');
      const newWorker = await eventually(
        async () => {
          const next = launched(root, isWorker1, worker.pid);
          return next && (await healthFrom({ pid: next.pid, port: healthPort }))?.status === 'ok' ? next : null;
        },
        { timeoutMs: 60_000, what: 'worker-1 to be restarted and healthy' },
      );
      expect(await healthFrom({ pid: newWorker.pid, port: healthPort })).toMatchObject({
        status: 'ok',
        info: { service: { name: 'worker', id: 'worker-1' }, nats: { status: 'up' }, s3: { status: 'up' } },
      });
      expect(output).toContain('worker-1 exited (signal SIGKILL); restarting in 1 s');

      // The driver too, on the same port.
      const driver = launched(root, isDriver)!;
      process.kill(driver.pid, 'SIGKILL');
      const newDriver = await eventually(
        async () => {
          const next = launched(root, isDriver, driver.pid);
          return next && (await healthFrom({ pid: next.pid, port }))?.status === 'ok' ? next : null;
        },
        { timeoutMs: 60_000, what: 'the driver to be restarted and healthy' },
      );
      expect(newDriver.pid).not.toBe(driver.pid);
      expect(output).toContain('driver exited (signal SIGKILL); restarting in 1 s');

      // nats-server and s3rver come back on their port with their data dir, and the services reconnect.
      const [nats, s3] = [launched(root, isNats)!, launched(root, isS3)!];
      process.kill(nats.pid, 'SIGKILL');
      process.kill(s3.pid, 'SIGKILL');
      const [newNats, newS3] = await eventually(
        async () => {
          const next = [launched(root, isNats, nats.pid), launched(root, isS3, s3.pid)];
          return next.every(Boolean) ? (next as ProcessInfo[]) : null;
        },
        { timeoutMs: 30_000, what: 'nats-server and s3rver to be restarted' },
      );
      for (const name of ['-p', '-sd']) expect(flag(newNats, name)).toBe(flag(nats, name));
      for (const name of ['-p', '-d']) expect(flag(newS3, name)).toBe(flag(s3, name));
      await eventually(async () => (await healthFrom({ pid: newDriver.pid, port }))?.status === 'ok', {
        timeoutMs: 60_000,
        what: 'the driver to see NATS and S3 again',
      });
      expect(output).toMatch(/nats-server exited \(signal SIGKILL\); restarting in 1 s/);

      const running = descendants(root);
      launcher.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(output).toContain('stopped: no process left behind');
      await eventually(async () => running.every((p) => !alive(p.pid)), { timeoutMs: 15_000, what: 'every child to exit' });
      // Stopped, not crashed: nothing was restarted on the way out.
      expect(output.slice(output.indexOf('SIGINT: stopping'))).not.toContain('restarting in');
    } finally {
      if (launcher.exitCode === null) {
        // The launcher first, so it cannot restart what is killed next.
        const left = descendants(root);
        launcher.kill('SIGKILL');
        for (const { pid } of left)
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            /* gone */
          }
      }
    }
  }, 240_000);
});
