import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, ManagedProcess, natsServerReady } from '../../scripts/local-services/index.js';
import { eventually } from './test-env.js';

export interface NatsClusterNode {
  /** `server_name`, also what stream info's `cluster.leader` and /jsz's `meta_cluster.leader` say. */
  name: string;
  port: number;
  monitorPort: number;
  storeDir: string;
  conf: string;
  process: ManagedProcess;
}

/** One node's config: client, route and monitoring ports on loopback, its own JetStream store, routes to every node. */
function nodeConf({
  name,
  port,
  routePort,
  monitorPort,
  storeDir,
  routePorts,
}: Omit<NatsClusterNode, 'process' | 'conf'> & {
  routePort: number;
  routePorts: number[];
}): string {
  return [
    `server_name: ${name}`,
    `listen: 127.0.0.1:${port}`,
    `http: 127.0.0.1:${monitorPort}`,
    `jetstream { store_dir: ${JSON.stringify(storeDir)} }`,
    `cluster {`,
    `  name: tusk-test`,
    `  listen: 127.0.0.1:${routePort}`,
    `  routes: [${routePorts.map((p) => `nats://127.0.0.1:${p}`).join(', ')}]`,
    `}`,
    '',
  ].join('\n');
}

/**
 * A JetStream cluster of `size` nats-servers on loopback (cluster `tusk-test`, nodes `n1`..`nN`, a store each) for
 * fault tests: it kills and restarts single nodes (same ports, same store) and says which node leads what.
 */
export class LocalNatsCluster {
  private constructor(readonly nodes: NatsClusterNode[]) {}

  static async start({ root, size = 3 }: { root: string; size?: number }): Promise<LocalNatsCluster> {
    const ports = async () => Promise.all(Array.from({ length: size }, () => freePort()));
    const [clientPorts, routePorts, monitorPorts] = [await ports(), await ports(), await ports()];
    const nodes = clientPorts.map((port, i) => {
      const name = `n${i + 1}`;
      const storeDir = join(root, name);
      mkdirSync(storeDir, { recursive: true });
      const conf = join(root, `${name}.conf`);
      const monitorPort = monitorPorts[i];
      writeFileSync(conf, nodeConf({ name, port, routePort: routePorts[i], monitorPort, storeDir, routePorts }));
      return { name, port, monitorPort, storeDir, conf, process: undefined as unknown as ManagedProcess };
    });
    const cluster = new LocalNatsCluster(nodes);
    try {
      await Promise.all(nodes.map((n) => cluster.restart(n.name)));
      await cluster.metaLeader();
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  /** Every node's client URL, comma-separated: what NATS_URL gets. */
  get url(): string {
    return this.nodes.map((n) => `nats://127.0.0.1:${n.port}`).join(',');
  }

  node(name: string): NatsClusterNode {
    const node = this.nodes.find((n) => n.name === name);
    if (!node) throw new Error(`no NATS node ${name} (have ${this.nodes.map((n) => n.name).join(', ')})`);
    return node;
  }

  /** SIGKILL, as a crashed host: no leadership handed over, nothing flushed. */
  async kill(name: string): Promise<void> {
    const node = this.node(name);
    node.process.kill('SIGKILL');
    await node.process.exited;
  }

  /** Starts the node (again) with its config and store, and waits until it answers as itself. */
  async restart(name: string): Promise<void> {
    const node = this.node(name);
    if (node.process?.running) throw new Error(`NATS node ${name} is running`);
    node.process = ManagedProcess.start({ name: `nats-${name}`, command: 'nats-server', args: ['-c', node.conf] });
    await natsServerReady({ proc: node.process, port: node.port, name });
  }

  /** The node the JetStream meta group elected, once a live node reports one (elections take seconds). */
  async metaLeader({ timeoutMs = 30_000 } = {}): Promise<string> {
    return eventually(
      async () => {
        for (const node of this.nodes.filter((n) => n.process?.running)) {
          const jsz = await fetch(`http://127.0.0.1:${node.monitorPort}/jsz`, { signal: AbortSignal.timeout(1_000) })
            .then((r) => r.json() as Promise<{ meta_cluster?: { leader?: string } }>)
            .catch(() => null);
          const leader = jsz?.meta_cluster?.leader;
          if (leader && this.nodes.some((n) => n.name === leader && n.process.running)) return leader;
        }
        return null;
      },
      { timeoutMs, what: 'a JetStream meta leader' },
    );
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.process?.stop()));
  }
}
