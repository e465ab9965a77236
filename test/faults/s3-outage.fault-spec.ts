import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { LocalCluster } from '../../scripts/cluster/local-cluster.js';
import { startS3Server, type LocalNats, type LocalS3 } from '../../scripts/local-services/index.js';
import { suiteNats } from '../harness/test-env.js';
import { driverApi } from '../harness/driver-api.js';

describe('S3 unreachable for a while', () => {
  let nats: LocalNats;
  let s3: LocalS3;
  let cluster: LocalCluster;
  const s3Dir = () => join(nats.storeDir, 's3-own');

  beforeAll(async () => {
    nats = await suiteNats();
    s3 = await startS3Server({ dataDir: s3Dir(), bucket: 'outage' });
    const env = { TUSK_BACKEND: 'cpu', TUSK_TASK_MAX_ATTEMPTS: '4', LOG_LEVEL: 'warn' };
    cluster = new LocalCluster({
      dataDir: nats.storeDir,
      workers: 1,
      natsUrl: nats.url,
      s3Endpoint: s3.endpoint,
      bucket: 'outage',
      logSink: null,
      env,
    });
    // Assigned before start(): afterAll stops it even if the start fails or times out half-way.
    await cluster.start();
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
    await s3?.process.stop();
    await nats?.process.stop();
  });

  /** Submits a job while the only worker is frozen, then takes S3 away before the worker sees the task. */
  async function submitThenCutS3(datasetId: string) {
    const api = driverApi(cluster);
    const [worker] = cluster.workers();
    worker.process.child.kill('SIGSTOP');
    const job = await api.submit(datasetId, { epochs: 1, batchSize: 16, partitions: 1, seed: 1 });
    await api.reachedStatus(job.id, 'running');
    await s3.process.stop();
    worker.process.child.kill('SIGCONT');
    return job;
  }

  it('tasks retry with backoff and the job succeeds once S3 is back', async () => {
    const api = driverApi(cluster);
    const datasetId = await api.uploadBlobs({ rows: 300, partitions: 1 });
    const job = await submitThenCutS3(datasetId);
    await new Promise((r) => setTimeout(r, 2_000));
    s3 = await startS3Server({ dataDir: s3Dir(), bucket: 'outage', port: s3.port });
    const done = await api.finished(job.id, 60_000);
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('succeeded');
  }, 90_000);

  it('past the attempt limit the job fails with a reason that says S3 was unreachable', async () => {
    const api = driverApi(cluster);
    const datasetId = await api.uploadBlobs({ rows: 300, partitions: 1, seed: 2 });
    const job = await submitThenCutS3(datasetId);
    const done = await api.finished(job.id, 60_000);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/^partition 0 failed in round 0: S3 unreachable at http:\/\/127\.0\.0\.1:\d+: .* \(after 4 attempt\(s\)\)$/);
    // The API says so too, with a 503 rather than a bare 500.
    const res = await fetch(`${cluster.driverUrl}/datasets/${datasetId}`);
    expect(res.status).toBe(503);
    expect((await res.json()).message).toMatch(/^S3 unreachable at/);
    s3 = await startS3Server({ dataDir: s3Dir(), bucket: 'outage', port: s3.port });
  }, 90_000);
});
