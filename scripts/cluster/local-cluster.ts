import { join } from 'node:path';
import {
  assertNatsServerInstalled,
  freePort,
  natsServerReady,
  s3ServerReady,
  spawnNatsServer,
  spawnS3Server,
  startOnFreePort,
  uniqueNatsName,
  type LocalNats,
  type LocalS3,
} from '../local-services/index.js';
import { appRecipe, ServiceHandle } from './app-service.js';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './restart-backoff.js';
import { SupervisedProcess, type ProcessRecipe, type Supervision } from './supervised-process.js';
import { MALLOC_ENV } from './malloc-env.js';

export { ServiceHandle } from './app-service.js';
export type { SupervisedProcess } from './supervised-process.js';

export interface ClusterOptions {
  dataDir: string;
  workers: number;
  /** Use these instead of starting a nats-server / s3rver. */
  natsUrl?: string;
  s3Endpoint?: string;
  driverPort?: number;
  bucket?: string;
  /** Extra environment for every service. */
  env?: Record<string, string>;
  /** false: no driver process (a test boots the driver module in-process). */
  driver?: boolean;
  /** Where prefixed logs go; null silences the services. */
  logSink?: NodeJS.WritableStream | null;
  /**
   * Start a service again, after a backoff, when it exits without stop() asking it to (`npm start`).
   * Off by default: tests kill processes on purpose and expect them to stay dead.
   */
  restartOnCrash?: boolean;
  restartBackoff?: BackoffPolicy;
}

/** The cluster was stopped: nothing more is started (a late start would outlive its owner). */
export class ClusterStoppedError extends Error {
  constructor(what: string) {
    super(`cannot start ${what}: the cluster was stopped`);
    this.name = 'ClusterStoppedError';
  }
}

/**
 * The whole of Tusk on this machine: nats-server and s3rver (unless given), the driver, the
 * parameter server and N workers as separate processes, each checked healthy before it counts.
 */
export class LocalCluster {
  readonly services: ServiceHandle[] = [];
  /** nats-server and s3rver when this cluster started them. */
  readonly infrastructure: SupervisedProcess[] = [];
  nats?: LocalNats;
  s3?: LocalS3;
  env: Record<string, string> = {};
  driverUrl = '';
  private workerCount = 0;
  private psCount = 0;
  private stopping = false;
  private readonly supervision?: Supervision;

  constructor(private readonly options: ClusterOptions) {
    if (options.restartOnCrash)
      this.supervision = { backoff: options.restartBackoff ?? DEFAULT_BACKOFF, log: (line) => this.logSink?.write(`${line}\n`) };
  }

  private get logSink(): NodeJS.WritableStream | null {
    return this.options.logSink === undefined ? process.stdout : this.options.logSink;
  }

  /** Starts everything; if any part fails, what was started is stopped before the error is thrown. */
  async start(): Promise<this> {
    try {
      await this.startInfrastructure();
      this.env = {
        NATS_URL: this.options.natsUrl ?? this.nats!.url,
        S3_ENDPOINT: this.options.s3Endpoint ?? this.s3!.endpoint,
        S3_BUCKET: this.options.bucket ?? 'tusk',
        ...this.options.env,
      };
      if (this.options.driver !== false) await this.startDriver();
      else this.driverUrl = `http://127.0.0.1:${this.options.driverPort ?? (await freePort())}`;
      await this.addParameterServer();
      await Promise.all(Array.from({ length: this.options.workers }, () => this.addWorker()));
      return this;
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /**
   * Starts the driver on the cluster's port, or again on the same port after a test killed it;
   * `extraEnv` (over the cluster's) applies from its first start on, restarts included.
   */
  async startDriver(extraEnv: Record<string, string> = {}): Promise<ServiceHandle> {
    const running = this.service('driver');
    if (running instanceof ServiceHandle) {
      await this.restart(running);
      return running;
    }
    const port = this.driverUrl ? Number(new URL(this.driverUrl).port) : this.options.driverPort;
    const driver = await this.startApp({ name: 'driver', app: 'driver', port, portEnv: 'PORT', env: extraEnv });
    this.driverUrl = new URL(driver.healthUrl).origin;
    return driver;
  }

  /** Starts one more parameter-server replica (they share pushes through a NATS queue group). */
  async addParameterServer(): Promise<ServiceHandle> {
    const n = ++this.psCount;
    return this.startApp({ name: n === 1 ? 'parameter-server' : `parameter-server-${n}`, app: 'parameter-server' });
  }

  /** Starts one more worker and waits until it is healthy. */
  async addWorker(extraEnv: Record<string, string> = {}): Promise<ServiceHandle> {
    const n = ++this.workerCount;
    return this.startApp({ name: `worker-${n}`, app: 'worker', env: { WORKER_ID: `worker-${n}`, ...extraEnv } });
  }

  /** The service of that name (`driver`, `worker-2`, `nats-server`, `s3rver`…). */
  service(name: string): ServiceHandle | SupervisedProcess | undefined {
    return [...this.services, ...this.infrastructure].find((s) => s.name === name);
  }

  /**
   * Starts a service again with the same env, port and name, stopping it first if it runs, and waits
   * until it is healthy; its handle stays valid. For tests that kill and bring back services themselves.
   */
  async restart(service: SupervisedProcess): Promise<void> {
    if (this.stopping) throw new ClusterStoppedError(service.name);
    await service.restart();
  }

  workers(): ServiceHandle[] {
    return this.services.filter((s) => s.name.startsWith('worker-') && s.process.running);
  }

  /** Stops apps first (workers, parameter server, driver), then S3 and NATS: nothing left behind, nothing restarted. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const s of [...this.services, ...this.infrastructure]) s.stopSupervising();
    const apps = [...this.services].reverse();
    await Promise.all(apps.filter((s) => s.name.startsWith('worker-')).map((s) => s.stop()));
    for (const s of apps.filter((x) => !x.name.startsWith('worker-'))) await s.stop();
    for (const s of [...this.infrastructure].reverse()) await s.stop();
  }

  private async startInfrastructure(): Promise<void> {
    const { dataDir, bucket = 'tusk' } = this.options;
    // Own process group when supervised: a terminal's Ctrl-C reaches the launcher only, which stops them in order.
    const detached = Boolean(this.supervision);
    if (!this.options.natsUrl) {
      assertNatsServerInstalled();
      const storeDir = join(dataDir, 'nats');
      const serverName = uniqueNatsName();
      const { handle, port } = await this.startInfra('nats-server', (port) => ({
        spawn: () => spawnNatsServer({ storeDir, port, name: serverName, detached }),
        ready: (proc) => natsServerReady({ proc, port, name: serverName }),
      }));
      this.nats = {
        url: `nats://127.0.0.1:${port}`,
        port,
        storeDir,
        get process() {
          return handle.process;
        },
      };
    }
    if (!this.options.s3Endpoint) {
      const s3Dir = join(dataDir, 's3');
      const { handle, port } = await this.startInfra('s3rver', (port) => ({
        spawn: () => spawnS3Server({ dataDir: s3Dir, bucket, port, detached }),
        ready: (proc) => s3ServerReady({ proc, port }),
      }));
      this.s3 = {
        endpoint: `http://127.0.0.1:${port}`,
        port,
        get process() {
          return handle.process;
        },
      };
    }
  }

  /** nats-server or s3rver on a free port (another if that one is taken meanwhile); a restart keeps port and data. */
  private startInfra(name: string, recipeOn: (port: number) => ProcessRecipe): Promise<{ handle: SupervisedProcess; port: number }> {
    return startOnFreePort({
      start: async (port) => ({
        port,
        handle: await this.track(this.infrastructure, new SupervisedProcess(name, recipeOn(port), this.supervision)),
      }),
    });
  }

  /** Starts an app on the given port, or on a free one (another if that one is taken meanwhile). */
  private startApp({
    name,
    app,
    port,
    portEnv = 'HEALTH_PORT',
    env = {},
  }: {
    name: string;
    app: string;
    port?: number;
    portEnv?: string;
    env?: Record<string, string>;
  }): Promise<ServiceHandle> {
    return startOnFreePort({
      port,
      start: (chosen) => {
        const recipe = appRecipe({
          name,
          app,
          port: chosen,
          detached: Boolean(this.supervision),
          logSink: this.logSink,
          env: { ...MALLOC_ENV, ...process.env, ...this.env, ...env, [portEnv]: String(chosen) },
        });
        return this.track(
          this.services,
          new ServiceHandle({ name, healthUrl: `http://127.0.0.1:${chosen}/health`, recipe, supervision: this.supervision }),
        );
      },
    });
  }

  /** Starts the handle as part of the cluster, so stop() reaches it even while it is starting. */
  private async track<T extends SupervisedProcess>(list: T[], handle: T): Promise<T> {
    if (this.stopping) throw new ClusterStoppedError(handle.name);
    list.push(handle);
    try {
      await handle.start();
      return handle;
    } catch (err) {
      list.splice(list.indexOf(handle), 1);
      await handle.stop();
      throw err;
    }
  }
}
