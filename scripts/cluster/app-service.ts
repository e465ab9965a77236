import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertListensOn, ManagedProcess, PortTakenError, portHolder } from '../local-services/index.js';
import { prefixLogs } from './prefix-logs.js';
import { SupervisedProcess, type ProcessRecipe, type Supervision } from './supervised-process.js';
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

/** A driver, parameter server or worker of the cluster, with the URL its health check answers on. */
export class ServiceHandle extends SupervisedProcess {
  readonly healthUrl: string;

  constructor({
    name,
    healthUrl,
    recipe,
    supervision,
  }: {
    name: string;
    healthUrl: string;
    recipe: ProcessRecipe;
    supervision?: Supervision;
  }) {
    super(name, recipe, supervision);
    this.healthUrl = healthUrl;
  }
}

/**
 * How to run one Tusk app on a fixed port (PORT for the driver, HEALTH_PORT for the others): healthy
 * means its /health answers 200 *and* the answer came from this process, not from whoever holds the port.
 */
export function appRecipe({
  name,
  app,
  env,
  port,
  logSink,
  detached,
}: {
  name: string;
  app: string;
  env: NodeJS.ProcessEnv;
  port: number;
  logSink: NodeJS.WritableStream | null;
  detached: boolean;
}): ProcessRecipe {
  return {
    spawn: () => {
      const proc = ManagedProcess.start({ name, command: process.execPath, args: [appMain(app)], options: { env, detached } });
      if (logSink) prefixLogs({ name, streams: [proc.child.stdout, proc.child.stderr], sink: logSink });
      return proc;
    },
    ready: async (proc) => {
      try {
        await waitHealthy({ url: `http://127.0.0.1:${port}/health`, name, timeoutMs: 60_000, isAlive: () => proc.running });
      } catch (err) {
        if (proc.running) throw err;
        // It could not bind because another process holds the port: say so, so the caller can pick another.
        const holder = portHolder(port);
        if (holder) throw new PortTakenError(port, holder);
        throw new Error(`${name} exited (${proc.exitDescription}) before it became healthy`, { cause: err });
      }
      assertListensOn({ pid: proc.pid, port });
    },
  };
}
