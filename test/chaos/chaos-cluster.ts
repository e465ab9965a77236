import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { LocalCluster } from '../../scripts/cluster/local-cluster.js';
import type { SupervisedProcess } from '../../scripts/cluster/local-cluster.js';
import type { Fault } from './chaos-schedule.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const RESTART_ATTEMPTS = 20;

/**
 * The whole of Tusk on this machine (its own nats-server and S3 server, the driver, parameter servers and
 * workers as processes) plus the faults a chaos run injects into it. Logs go to `services.log` in logDir.
 */
export class ChaosCluster {
  /** Faults on one service run one after the other, so a restart never races a kill of the same process. */
  private readonly busy = new Map<string, Promise<void>>();

  private constructor(
    readonly cluster: LocalCluster,
    readonly logPath: string,
  ) {}

  /** `logDir` outlives the run (unlike `dataDir`), so a failed run's service logs can be read afterwards. */
  static async start({
    dataDir,
    logDir,
    workers,
    parameterServers,
    env,
  }: {
    dataDir: string;
    logDir: string;
    workers: number;
    parameterServers: number;
    env: Record<string, string>;
  }): Promise<ChaosCluster> {
    const logPath = join(logDir, 'services.log');
    const cluster = new LocalCluster({ dataDir, workers, bucket: 'chaos', logSink: createWriteStream(logPath), env });
    const chaos = new ChaosCluster(cluster, logPath);
    try {
      await cluster.start();
      for (let i = 1; i < parameterServers; i++) await cluster.addParameterServer();
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return chaos;
  }

  private target(fault: Fault): SupervisedProcess {
    const name = {
      'kill-worker': `worker-${fault.target + 1}`,
      'stop-worker': `worker-${fault.target + 1}`,
      'kill-ps': fault.target === 0 ? 'parameter-server' : `parameter-server-${fault.target + 1}`,
      'kill-driver': 'driver',
      'kill-nats': 'nats-server',
      's3-outage': 's3rver',
    }[fault.kind];
    const service = this.cluster.service(name);
    if (!service) throw new Error(`no service ${name} for ${fault.kind}`);
    return service;
  }

  /** Injects one fault and heals it: SIGKILL and restart, SIGSTOP and SIGCONT, or S3 down and back. */
  inject(fault: Fault): Promise<void> {
    const service = this.target(fault);
    const previous = this.busy.get(service.name) ?? Promise.resolve();
    const next = previous.then(() => this.strike(service, fault));
    this.busy.set(
      service.name,
      next.catch(() => undefined),
    );
    return next;
  }

  private async strike(service: SupervisedProcess, fault: Fault): Promise<void> {
    if (fault.kind === 'stop-worker') {
      service.process.child.kill('SIGSTOP');
      await sleep(fault.downMs);
      service.process.child.kill('SIGCONT');
      return;
    }
    service.process.kill('SIGKILL');
    await service.process.exited;
    await sleep(fault.downMs);
    await this.restart(service);
  }

  /** Restarts a service, again and again while what it needs at boot (NATS, S3) is itself down. */
  private async restart(service: SupervisedProcess): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.cluster.restart(service);
        return;
      } catch (err) {
        if (attempt >= RESTART_ATTEMPTS)
          throw new Error(`${service.name} did not come back after ${attempt} restarts: ${(err as Error).message}`, { cause: err });
        await sleep(1_000);
      }
    }
  }

  /** Services whose health check does not answer 200 within `withinMs` (every fault healed by then). */
  async down(withinMs: number): Promise<string[]> {
    const deadline = Date.now() + withinMs;
    for (;;) {
      const down: string[] = [];
      for (const s of this.cluster.services) {
        const ok = await fetch(s.healthUrl).then(
          (r) => r.status === 200,
          () => false,
        );
        if (!ok) down.push(s.name);
      }
      if (down.length === 0 || Date.now() > deadline) return down;
      await sleep(1_000);
    }
  }

  async stop(): Promise<void> {
    for (const s of this.cluster.services) if (s.process.running) s.process.child.kill('SIGCONT');
    await this.cluster.stop();
  }
}
