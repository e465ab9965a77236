import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LocalCluster } from '../../scripts/cluster/local-cluster.js';
import type { LocalNats } from '../../scripts/local-services/index.js';
import { eventually, serviceEnv, suiteNats, testS3 } from '../harness/test-env.js';

describe('local cluster: health and shutdown', () => {
  let nats: LocalNats;
  let cluster: LocalCluster;

  beforeAll(async () => {
    nats = await suiteNats();
    const env = serviceEnv({ natsUrl: nats.url, s3: testS3() });
    cluster = new LocalCluster({
      dataDir: nats.storeDir,
      workers: 1,
      natsUrl: nats.url,
      s3Endpoint: env.S3_ENDPOINT,
      bucket: env.S3_BUCKET,
      logSink: null,
      env,
    });
    // Assigned before start(): afterAll stops it even if the start fails or times out half-way.
    await cluster.start();
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
    await nats?.process.stop();
  });

  it('reports NATS, S3 and the tfjs backend in every health check', async () => {
    const driver = await (await fetch(`${cluster.driverUrl}/health`)).json();
    const up = { status: 'up' };
    const timed = { status: 'up', responseTime: expect.any(Number) };
    expect(driver).toMatchObject({
      status: 'ok',
      info: { service: { status: 'up', name: 'driver' }, nats: timed, s3: timed, backend: { status: 'up', name: 'wasm' } },
      error: {},
    });
    expect(Object.keys(driver.details)).toEqual(['service', 'nats', 's3', 'backend']);
    for (const s of cluster.services) {
      const res = await fetch(s.healthUrl);
      expect(res.status).toBe(200);
      const { info } = await res.json();
      expect(info).toMatchObject({ service: { name: s.name.replace(/-\d+$/, '') }, nats: up, s3: up });
      // The parameter server only adds floats: no tfjs backend to report.
      expect('backend' in info).toBe(s.name !== 'parameter-server');
    }
  });

  it('serves the OpenAPI description of the API', async () => {
    const doc = await (await fetch(`${cluster.driverUrl}/api/docs-json`)).json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of [
      '/datasets',
      '/jobs',
      '/jobs/{id}',
      '/jobs/{id}/events',
      '/jobs/{id}/evaluate',
      '/jobs/{id}/predict',
      '/workers',
      '/health',
    ])
      expect(Object.keys(doc.paths)).toContain(path);
  });

  it('turns unhealthy (503) while NATS is down and recovers when it is back', async () => {
    const port = nats.port;
    await nats.process.stop();
    await eventually(async () => (await fetch(`${cluster.driverUrl}/health`)).status === 503, {
      timeoutMs: 15_000,
      what: 'a 503 from the driver',
    });
    const down = await (await fetch(`${cluster.driverUrl}/health`)).json();
    expect(down).toMatchObject({
      status: 'error',
      info: { s3: { status: 'up' } },
      error: { nats: { status: 'down', message: 'NATS did not answer within 2 s' } },
    });
    const { startNatsServer } = await import('../../scripts/local-services/index.js');
    nats = await startNatsServer({ storeDir: nats.storeDir, port });
    await eventually(async () => (await fetch(`${cluster.driverUrl}/health`)).status === 200, {
      timeoutMs: 30_000,
      what: 'the driver to reconnect',
    });
  }, 60_000);

  it('a worker stops on SIGTERM with exit code 0 and leaves the workers list', async () => {
    const [worker] = cluster.workers();
    const listed = async () => ((await (await fetch(`${cluster.driverUrl}/workers`)).json()) as { id: string }[]).map((w) => w.id);
    await eventually(async () => (await listed()).includes('worker-1'), { timeoutMs: 15_000, what: 'worker-1 to heartbeat' });
    worker.process.child.kill('SIGTERM');
    expect(await worker.process.exited).toBe(0);
    expect(await listed()).not.toContain('worker-1');
  }, 60_000);
});
