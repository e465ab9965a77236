import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { LocalCluster } from '../../scripts/cluster/local-cluster.js';
import { MALLOC_ENV } from '../../scripts/cluster/malloc-env.js';
import { descendants, PortTakenError, startNatsServer, startOnFreePort, type LocalNats } from '../../scripts/local-services/index.js';
import { serviceEnv, suiteNats, testS3 } from '../harness/test-env.js';

const appsRunning = () => descendants(process.pid).filter((p) => p.cmdline.includes('/dist/apps/'));

describe('LocalCluster: restart on demand, cleanup on a failed start, ports that are not ours', () => {
  let nats: LocalNats;
  const clusterOptions = () => {
    const env = serviceEnv({ natsUrl: nats.url, s3: testS3() });
    return {
      dataDir: nats.storeDir,
      natsUrl: nats.url,
      s3Endpoint: env.S3_ENDPOINT,
      bucket: env.S3_BUCKET,
      logSink: null,
      env: { ...env, TUSK_BACKEND: 'cpu' },
    };
  };

  beforeAll(async () => {
    nats = await suiteNats();
  });
  afterAll(async () => {
    await nats?.process.stop();
  });

  it('restart(handle) brings a killed worker back under the same handle, name and health port', async () => {
    const cluster = new LocalCluster({ ...clusterOptions(), workers: 1, driver: false });
    try {
      await cluster.start();
      const [worker] = cluster.workers();
      const killed = worker.process;
      killed.kill('SIGKILL');
      await killed.exited;
      await cluster.restart(worker);
      expect(cluster.service('worker-1')).toBe(worker);
      expect(worker.process).not.toBe(killed);
      expect(worker.process.running).toBe(true);
      expect(worker.restarts).toBe(1);
      const health = await (await fetch(worker.healthUrl)).json();
      expect(health).toMatchObject({ status: 'ok', info: { service: { name: 'worker', id: 'worker-1' } } });
      // Started with the malloc settings that reuse big buffers (scripts/cluster/malloc-env.ts).
      const environ = readFileSync(`/proc/${worker.process.pid}/environ`, 'utf8').split('\0');
      for (const [name, value] of Object.entries(MALLOC_ENV)) expect(environ).toContain(`${name}=${value}`);
    } finally {
      await cluster.stop();
    }
    await expect(cluster.restart(cluster.service('worker-1')!)).rejects.toThrow('cannot start worker-1: the cluster was stopped');
    expect(appsRunning()).toEqual([]);
  }, 90_000);

  it('stops what it had started when the start fails half-way', async () => {
    const options = clusterOptions();
    // Only the worker checks TUSK_PARTITION_CACHE_MB: the driver and the parameter server come up, then the worker exits 1.
    const cluster = new LocalCluster({ ...options, workers: 1, env: { ...options.env, TUSK_PARTITION_CACHE_MB: '1' } });
    await expect(cluster.start()).rejects.toThrow(/worker-1 exited \(code 1\) before it became healthy/);
    expect(cluster.services.map((s) => s.name)).toEqual(['driver', 'parameter-server']);
    for (const s of cluster.services) expect(s.process.running).toBe(false);
    expect(appsRunning()).toEqual([]);
  }, 90_000);

  describe('a port that another process holds', () => {
    let impostor: Server;
    beforeAll(async () => {
      // Answers /health with 200 like a healthy driver would: the launcher must not take it for its own.
      impostor = createServer((_req, res) => res.end(JSON.stringify({ status: 'ok', service: 'driver' })));
      await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise<void>((resolve) => impostor.close(() => resolve())));

    it('is refused for the driver, even though /health answers 200 there', async () => {
      const port = (impostor.address() as { port: number }).port;
      const cluster = new LocalCluster({ ...clusterOptions(), workers: 0, driverPort: port });
      await expect(cluster.start()).rejects.toThrow(new RegExp(`^port ${port} is held by pid ${process.pid} `));
      expect(appsRunning()).toEqual([]);
    }, 90_000);

    it('is refused for a nats-server, which names the server that holds it', async () => {
      await expect(startNatsServer({ storeDir: join(nats.storeDir, 'second'), port: nats.port })).rejects.toThrow(
        new RegExp(`^port ${nats.port} is held by another nats-server \\("tusk-[0-9a-f]+"`),
      );
      const port = (impostor.address() as { port: number }).port;
      await expect(startNatsServer({ storeDir: join(nats.storeDir, 'third'), port })).rejects.toThrow(PortTakenError);
    });

    it('makes a start without a given port try another free port', async () => {
      const tried: number[] = [];
      const started = await startOnFreePort({
        start: async (port) => {
          tried.push(port);
          if (tried.length === 1) throw new PortTakenError(port, 'someone else');
          return port;
        },
      });
      expect(tried).toHaveLength(2);
      expect(started).toBe(tried[1]);
    });
  });
});
