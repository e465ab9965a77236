import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { loadEnv } from '@tusk/config';
import { RESULTS_STREAM, TASKS_CONSUMER, TASKS_STREAM } from '@tusk/contracts';
import { Infra } from '@tusk/infra';
import { BaseEnv } from '@tusk/config';
import type { LocalNats } from '../../scripts/local-services/index.js';
import { serviceEnv, suiteNats, testS3 } from '../harness/test-env.js';

const main = (app: string) => join(process.cwd(), 'dist', 'apps', app, 'src', 'main.js');

describe('service boot', () => {
  let nats: LocalNats;
  beforeAll(async () => {
    nats = await suiteNats();
  });
  afterAll(async () => {
    await nats?.process.stop();
  });

  it.each([
    ['driver', { PORT: 'eighty' }, 'PORT="eighty"'],
    ['worker', { NATS_URL: 'localhost:4222' }, 'NATS_URL="localhost:4222": must be a nats:// URL'],
    ['parameter-server', { TUSK_BACKEND: 'gpu' }, 'TUSK_BACKEND="gpu"'],
  ])('%s exits non-zero on a bad environment and names the variable', (app, env, expected) => {
    const run = spawnSync(process.execPath, [main(app)], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(expected);
  });

  it('creates streams, consumer and buckets once: a second boot changes nothing', async () => {
    const env = loadEnv(BaseEnv, { ...serviceEnv({ natsUrl: nats.url, s3: testS3() }), TUSK_TASK_MAX_ATTEMPTS: '4' });
    const options = { name: 'boot-test', env };
    const first = await Infra.connect(options);
    const jsm = await jetstreamManager(first.nc);
    const before = {
      tasks: (await jsm.streams.info(TASKS_STREAM)).config,
      results: (await jsm.streams.info(RESULTS_STREAM)).config,
      consumer: (await jsm.consumers.info(TASKS_STREAM, TASKS_CONSUMER)).config,
    };
    await first.buckets.jobs.put('probe', 'kept');
    const second = await Infra.connect(options);
    expect((await jsm.streams.info(TASKS_STREAM)).config).toEqual(before.tasks);
    expect((await jsm.streams.info(RESULTS_STREAM)).config).toEqual(before.results);
    expect((await jsm.consumers.info(TASKS_STREAM, TASKS_CONSUMER)).config).toEqual(before.consumer);
    expect(before.tasks.retention).toBe('workqueue');
    expect(before.consumer.max_deliver).toBe(4);
    expect((await second.buckets.jobs.get('probe'))?.string()).toBe('kept');
    expect(await second.health()).toEqual({ nats: true, s3: true });
    await first.close();
    await second.close();
  });

  it('refuses TUSK_NATS_REPLICAS=3 on a single nats-server, naming the variable and the stream', async () => {
    const fresh = await suiteNats(); // streams not made yet: nats-server 2.9 takes an update to 3 replicas silently
    try {
      const env = loadEnv(BaseEnv, { ...serviceEnv({ natsUrl: fresh.url, s3: testS3() }), TUSK_NATS_REPLICAS: '3' });
      await expect(Infra.connect({ name: 'replicas-test', env })).rejects.toThrow(
        /^TUSK_NATS_REPLICAS=3: NATS refused 3 replica\(s\) for stream TUSK_TASKS \(a single server takes 1 only/,
      );
    } finally {
      await fresh.process.stop();
    }
  });

  it('moves a blob larger than the server max payload in chunks and reads it back whole', async () => {
    const env = loadEnv(BaseEnv, serviceEnv({ natsUrl: nats.url, s3: testS3() }));
    const infra = await Infra.connect({ name: 'blob-test', env });
    const data = new Uint8Array(randomBytes(3 * 1024 * 1024 + 17));
    await infra.blobs.put('blob.test', data);
    expect(infra.blobs.chunkBytes).toBeLessThan(1024 * 1024);
    expect(Buffer.from(await infra.blobs.get('blob.test')).equals(Buffer.from(data))).toBe(true);
    await infra.blobs.delete('blob.test');
    expect(await infra.blobs.exists('blob.test')).toBe(false);
    await infra.close();
  });
});
