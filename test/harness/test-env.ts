import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startNatsServer, type LocalNats } from '../../scripts/local-services/index.js';
import { ObjectStore } from '@tusk/storage';

/** The shared S3 server of this test run, with a bucket name of the suite's own so suites share no state. */
export function testS3(): { endpoint: string; bucket: string } {
  const endpoint = process.env.TUSK_TEST_S3_ENDPOINT;
  if (!endpoint) throw new Error('TUSK_TEST_S3_ENDPOINT is not set: run the integration suites through `npm test`');
  return { endpoint, bucket: `suite-${randomBytes(6).toString('hex')}` };
}

/** A nats-server of the suite's own (fresh JetStream store), so streams and buckets start empty. */
export async function suiteNats(): Promise<LocalNats> {
  const root = process.env.TUSK_TEST_ROOT;
  if (!root) throw new Error('TUSK_TEST_ROOT is not set: run the integration suites through `npm test`');
  return startNatsServer({ storeDir: mkdtempSync(join(root, 'nats-suite-')) });
}

/** Environment for a Tusk service pointed at the given NATS and S3. */
export function serviceEnv({ natsUrl, s3 }: { natsUrl: string; s3: { endpoint: string; bucket: string } }): {
  NATS_URL: string;
  S3_ENDPOINT: string;
  S3_BUCKET: string;
  [name: string]: string;
} {
  return {
    NATS_URL: natsUrl,
    S3_ENDPOINT: s3.endpoint,
    S3_BUCKET: s3.bucket,
    S3_ACCESS_KEY: 'S3RVER',
    S3_SECRET_KEY: 'S3RVER',
    LOG_LEVEL: 'warn',
  };
}

export async function eventually<T>(
  fn: () => Promise<T | undefined | null | false>,
  { timeoutMs, what }: { timeoutMs: number; what: string },
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A client of the suite's bucket, as the services reach it (`serviceEnv`): for a test that reads or plants objects. */
export function suiteStore(env: { S3_ENDPOINT: string; S3_BUCKET: string }): ObjectStore {
  return new ObjectStore({
    endpoint: env.S3_ENDPOINT,
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    bucket: env.S3_BUCKET,
  });
}
