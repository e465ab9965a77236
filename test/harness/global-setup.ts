import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNatsServerInstalled, startNatsServer, startS3Server } from '../../scripts/local-services/index.js';

/**
 * Starts one real nats-server (JetStream, fresh store) and one real S3 server on free ports for the
 * run; suites that need isolation or restarts start their own nats-server with `startNatsServer`.
 */
export default async function globalSetup(): Promise<void> {
  assertNatsServerInstalled();
  const root = mkdtempSync(join(tmpdir(), 'tusk-test-'));
  const nats = await startNatsServer({ storeDir: join(root, 'nats') });
  const s3 = await startS3Server({ dataDir: join(root, 's3'), bucket: 'tusk-test' });
  process.env.TUSK_TEST_ROOT = root;
  process.env.TUSK_TEST_NATS_URL = nats.url;
  process.env.TUSK_TEST_S3_ENDPOINT = s3.endpoint;
  (globalThis as Record<string, unknown>).__tuskServices = [nats.process, s3.process];
}
