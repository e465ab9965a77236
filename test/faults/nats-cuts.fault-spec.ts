import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { datasetPartKey, TASKS_STREAM } from '@tusk/contracts';
import type { ServiceHandle } from '../../scripts/cluster/local-cluster.js';
import { driverApi } from '../harness/driver-api.js';
import { TcpProxy } from '../harness/tcp-proxy.js';
import { startTestCluster, type TestCluster } from '../harness/test-cluster.js';
import { suiteStore } from '../harness/test-env.js';

const CUT_MS = 6_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The driver reaches NATS through a proxy the test cuts; workers and the parameter server connect directly. */
describe('NATS cut from the driver at the worst moments', () => {
  let tc: TestCluster;
  let proxy: TcpProxy;
  let driver: ServiceHandle;
  let nc: NatsConnection;
  const driverEnv = () => ({ NATS_URL: proxy.url, TUSK_REQUEST_TIMEOUT_MS: '2000', TUSK_OUTAGE_LIMIT_S: '60' });

  beforeAll(async () => {
    tc = await startTestCluster({ workers: 2, driver: false, env: { TUSK_TASK_MAX_ATTEMPTS: '2' } });
    proxy = await TcpProxy.start({ targetPort: tc.nats.port });
    driver = await tc.cluster.startDriver(driverEnv());
    nc = await connect({ servers: tc.nats.url });
  }, 120_000);

  afterAll(async () => {
    await nc?.close();
    await tc?.stop();
    await proxy?.stop();
  });

  it('during a server-sent event stream: the driver stays up, the stream ends cleanly, the job succeeds', async () => {
    const api = driverApi(tc.cluster);
    const datasetId = await api.uploadBlobs({ rows: 3000, partitions: 2, seed: 11 });
    const job = await api.submit(datasetId, { epochs: 6, batchSize: 8, partitions: 2, seed: 11 });
    const stream = await fetch(`${tc.cluster.driverUrl}/jobs/${job.id}/events`);
    const reader = stream.body!.getReader();
    let text = '';
    let firstEvent!: () => void;
    const first = new Promise<void>((resolve) => {
      firstEvent = resolve;
    });
    const received = (async () => {
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        text += new TextDecoder().decode(r.value);
        if (text.includes(`"jobId":"${job.id}"`)) firstEvent();
      }
      return text;
    })();
    await first;
    await api.reachedRound(job.id, 1);
    proxy.cut();
    await sleep(CUT_MS);
    proxy.restore();
    const done = await api.finished(job.id, 180_000);
    expect(done.status).toBe('succeeded');
    expect(done.history.map((r) => r.round)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(driver.process.running).toBe(true);
    // The stream ends (with the final event, or early when NATS went away): it never hangs.
    expect(await received).toMatch(/data:/);
  }, 240_000);

  it('while a failure is being recorded: the job still ends failed with its reason', async () => {
    const api = driverApi(tc.cluster);
    const store = suiteStore(tc.env);
    const datasetId = await api.uploadBlobs({ rows: 300, partitions: 1, seed: 12 });
    await store.deletePrefix(datasetPartKey(datasetId, 0));
    store.destroy();
    const failedResultSeen = proxy.cutAfter('"ok":false');
    const job = await api.submit(datasetId, { epochs: 1, batchSize: 16, partitions: 1, seed: 12 });
    await failedResultSeen;
    await sleep(CUT_MS);
    proxy.restore();
    const done = await api.finished(job.id, 60_000);
    expect(done.status).toBe('failed');
    expect(done.error).toBe(`partition 0 failed in round 0: object ${datasetPartKey(datasetId, 0)} not found (after 2 attempt(s))`);
    expect(driver.process.running).toBe(true);
  }, 120_000);

  it('while a restarted driver replays results: it resumes, and publishes no task twice', async () => {
    const api = driverApi(tc.cluster);
    const datasetId = await api.uploadBlobs({ rows: 3000, partitions: 2, seed: 13 });
    const jsm = await jetstreamManager(nc);
    const tasksBefore = (await jsm.streams.info(TASKS_STREAM)).state.last_seq;
    const job = await api.submit(datasetId, { epochs: 6, batchSize: 8, partitions: 2, seed: 13 });
    await api.reachedRound(job.id, 3);
    driver.process.kill('SIGKILL');
    await driver.process.exited;
    // Cut as soon as the new driver has read its first replayed result.
    const replaying = proxy.cutAfter(`"jobId":"${job.id}","kind":"train"`);
    const restarted = tc.cluster.startDriver(driverEnv());
    await replaying;
    await sleep(CUT_MS);
    proxy.restore();
    driver = await restarted;

    const done = await api.finished(job.id, 180_000);
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('succeeded');
    expect(done.history.map((r) => r.round)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const round of done.history) expect(round.workers.map((w) => w.partition).sort()).toEqual([0, 1]);
    expect((await jsm.streams.info(TASKS_STREAM)).state.last_seq - tasksBefore).toBe(6 * 2);
    expect(driver.process.running).toBe(true);
  }, 240_000);
});
