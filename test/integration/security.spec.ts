import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { connect } from '@nats-io/transport-node';
import { FINAL_STATUSES, type JobRecord } from '@tusk/contracts';
import { LocalCluster } from '../../scripts/cluster/local-cluster.js';
import { startNatsServer, type LocalNats } from '../../scripts/local-services/index.js';
import { eventually, testS3 } from '../harness/test-env.js';
import { blobsModel, blobsCsv } from '../e2e/synthetic-data.js';

const TOKEN = 'test-token-0123456789abcdef';
const NATS_PASS = 'nats-secret-9876543210';

describe('security: API token, NATS user/password, no secret in logs', () => {
  let nats: LocalNats;
  let cluster: LocalCluster;
  let logFile: string;

  beforeAll(async () => {
    const dir = mkdtempSync(join(process.env.TUSK_TEST_ROOT!, 'security-'));
    nats = await startNatsServer({ storeDir: join(dir, 'nats'), user: 'tusk', pass: NATS_PASS });
    const s3 = testS3();
    logFile = join(dir, 'services.log');
    const env = {
      NATS_USER: 'tusk',
      NATS_PASS,
      TUSK_API_TOKEN: TOKEN,
      S3_BUCKET: s3.bucket,
      LOG_LEVEL: 'verbose',
      TUSK_MAX_ACTIVE_JOBS: '1',
      TUSK_BACKEND: 'cpu',
    };
    cluster = new LocalCluster({
      dataDir: dir,
      workers: 1,
      natsUrl: nats.url,
      s3Endpoint: s3.endpoint,
      bucket: s3.bucket,
      logSink: createWriteStream(logFile),
      env,
    });
    // Assigned before start(): afterAll stops it even if the start fails or times out half-way.
    await cluster.start();
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
    await nats?.process.stop();
  });

  it('requires the bearer token on the API, but not on /health', async () => {
    expect((await fetch(`${cluster.driverUrl}/health`)).status).toBe(200);
    const none = await fetch(`${cluster.driverUrl}/jobs`);
    expect(none.status).toBe(401);
    expect((await none.json()).message).toBe('a valid bearer token is required');
    expect((await fetch(`${cluster.driverUrl}/jobs`, { headers: { authorization: 'Bearer wrong-token-0123456789abc' } })).status).toBe(401);
    expect((await fetch(`${cluster.driverUrl}/jobs`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });

  it('refuses a job beyond TUSK_MAX_ACTIVE_JOBS with 429, and takes it once the first has ended', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const activeJobs = async () =>
      ((await (await fetch(`${cluster.driverUrl}/jobs`, { headers: auth })).json()) as JobRecord[])
        .filter((j) => !FINAL_STATUSES.includes(j.status))
        .map((j) => j.id);
    // The suite's own store: no job of any other suite is counted.
    expect(await activeJobs()).toEqual([]);
    const form = new FormData();
    form.set('format', 'csv');
    form.set('labelColumns', 'label');
    form.set('file', new Blob([blobsCsv({ rows: 3000, seed: 1 })]), 'blobs.csv');
    const dataset = await (await fetch(`${cluster.driverUrl}/datasets`, { method: 'POST', body: form, headers: auth })).json();
    const submit = () =>
      fetch(`${cluster.driverUrl}/jobs`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: blobsModel,
          compile: { optimizer: 'adam', loss: 'categorical_crossentropy' },
          datasetId: dataset.id,
          training: { epochs: 3, batchSize: 8, partitions: 1 },
        }),
      });
    // The only worker is frozen, so the first job cannot end before the second is refused, however fast it would train.
    const [worker] = cluster.workers();
    worker.process.kill('SIGSTOP');
    let id: string;
    try {
      const first = await submit();
      expect(first.status).toBe(201);
      ({ id } = await first.json());
      const second = await submit();
      expect(second.status).toBe(429);
      expect((await second.json()).message).toMatch(/^1 jobs are queued or running, the limit is 1 \(TUSK_MAX_ACTIVE_JOBS\)/);
      expect(await activeJobs()).toEqual([id]);
    } finally {
      worker.process.kill('SIGCONT');
    }
    await eventually(
      async () => (await (await fetch(`${cluster.driverUrl}/jobs/${id}`, { headers: auth })).json()).status === 'succeeded',
      { timeoutMs: 60_000, what: 'the first job' },
    );
    expect((await submit()).status).toBe(201);
  }, 90_000);

  it('connects every service to a NATS server that requires a password', async () => {
    for (const s of cluster.services) expect((await (await fetch(s.healthUrl)).json()).info.nats).toMatchObject({ status: 'up' });
    // The suite's own server, not another on the same port: one without a password would take anyone.
    await expect(connect({ servers: nats.url, reconnect: false })).rejects.toThrow(/authorization/i);
  });

  it('refuses to start with a wrong NATS password, saying why', () => {
    const run = spawnSync(process.execPath, [join(process.cwd(), 'dist/apps/worker/src/main.js')], {
      env: { ...process.env, NATS_URL: nats.url, NATS_USER: 'tusk', NATS_PASS: 'wrong-password', HEALTH_PORT: '0' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/Authorization Violation|authorization/i);
    expect(run.stderr).not.toContain('wrong-password');
  });

  it('never writes a secret to the logs', () => {
    const logs = readFileSync(logFile, 'utf8');
    expect(logs.length).toBeGreaterThan(1000);
    for (const secret of [TOKEN, NATS_PASS]) expect(logs).not.toContain(secret);
  });
});
