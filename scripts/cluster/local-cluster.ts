import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, ManagedProcess, startNatsServer, startS3Server, type LocalNats, type LocalS3 } from '../local-services/index.js';
import { prefixLogs } from './prefix-logs.js';
import { waitHealthy } from './wait-healthy.js';

/** The repository root, whether this file runs built (dist/scripts) or from source (ts-jest). */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'nest-cli.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the repository root (nest-cli.json)');
    dir = up;
  }
  return dir;
}
// The apps always run built: `npm test` and `npm start` build first.
const appMain = (app: string) => join(repoRoot(), 'dist', 'apps', app, 'src', 'main.js');

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
}

export interface ServiceHandle {
  name: string;
  process: ManagedProcess;
  healthUrl: string;
}

/**
 * The whole of Tusk on this machine: nats-server and s3rver (unless given), the driver, the
 * parameter server and N workers as separate processes, each checked healthy before it counts.
 */
export class LocalCluster {
  readonly services: ServiceHandle[] = [];
  private workerCount = 0;
  nats?: LocalNats;
  s3?: LocalS3;
  env: Record<string, string> = {};
  driverUrl = '';

  constructor(private readonly options: ClusterOptions) {}

  async start(): Promise<this> {
    const { dataDir, bucket = 'tusk' } = this.options;
    if (!this.options.natsUrl) this.nats = await startNatsServer({ storeDir: join(dataDir, 'nats') });
    if (!this.options.s3Endpoint) this.s3 = await startS3Server({ dataDir: join(dataDir, 's3'), bucket });
    this.env = {
      NATS_URL: this.options.natsUrl ?? this.nats!.url,
      S3_ENDPOINT: this.options.s3Endpoint ?? this.s3!.endpoint,
      S3_BUCKET: bucket,
      ...this.options.env,
    };
    const driverPort = this.options.driverPort ?? (await freePort());
    this.driverUrl = `http://127.0.0.1:${driverPort}`;
    if (this.options.driver !== false) await this.startDriver();
    await this.addParameterServer();
    await Promise.all(Array.from({ length: this.options.workers }, () => this.addWorker()));
    return this;
  }

  /** Starts the driver on the cluster's port (again, after a test killed it), with `extraEnv` over the cluster's. */
  async startDriver(extraEnv: Record<string, string> = {}): Promise<ServiceHandle> {
    const port = new URL(this.driverUrl).port;
    return this.startService('driver', 'driver', { PORT: port, ...extraEnv }, `${this.driverUrl}/health`);
  }

  private psCount = 0;

  /** Starts one more parameter-server replica (they share pushes through a NATS queue group). */
  async addParameterServer(): Promise<ServiceHandle> {
    const n = ++this.psCount;
    return this.startService(n === 1 ? 'parameter-server' : `parameter-server-${n}`, 'parameter-server', {}, null);
  }

  /** Starts one more worker and waits until it is healthy. */
  async addWorker(extraEnv: Record<string, string> = {}): Promise<ServiceHandle> {
    const n = ++this.workerCount;
    return this.startService(`worker-${n}`, 'worker', { WORKER_ID: `worker-${n}`, ...extraEnv }, null);
  }

  private async startService(name: string, app: string, env: Record<string, string>, healthUrl: string | null): Promise<ServiceHandle> {
    const port = healthUrl ? 0 : await freePort();
    const url = healthUrl ?? `http://127.0.0.1:${port}/health`;
    const proc = ManagedProcess.start({
      name,
      command: process.execPath,
      args: [appMain(app)],
      options: { env: { ...process.env, ...this.env, ...(healthUrl ? {} : { HEALTH_PORT: String(port) }), ...env } },
    });
    if (this.options.logSink !== null) prefixLogs({ name, streams: [proc.child.stdout, proc.child.stderr], sink: this.options.logSink ?? process.stdout });
    else { proc.child.stdout?.resume(); proc.child.stderr?.resume(); }
    const handle = { name, process: proc, healthUrl: url };
    this.services.push(handle);
    await waitHealthy({ url, name, timeoutMs: 60_000, isAlive: () => proc.running });
    return handle;
  }

  workers(): ServiceHandle[] {
    return this.services.filter((s) => s.name.startsWith('worker-') && s.process.running);
  }

  /** Stops apps first (workers, parameter server, driver), then S3 and NATS: nothing left behind. */
  async stop(): Promise<void> {
    const order = [...this.services].reverse();
    await Promise.all(order.filter((s) => s.name.startsWith('worker-')).map((s) => s.process.stop()));
    for (const s of order.filter((x) => !x.name.startsWith('worker-'))) await s.process.stop();
    await this.s3?.process.stop();
    await this.nats?.process.stop();
  }
}
