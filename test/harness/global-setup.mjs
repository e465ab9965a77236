// Plain ESM: Jest loads global setup outside its module mapper, so this uses the built scripts
// (`npm test` builds first).
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const built = new URL('../../dist/scripts/local-services/index.js', import.meta.url);

/**
 * Starts one real nats-server (JetStream, fresh store) and one real S3 server on free ports for the
 * run; suites that need isolation or restarts start their own nats-server.
 */
export default async function globalSetup() {
  if (!existsSync(built)) throw new Error('dist/ is missing: run `npm test` (it builds first) or `npm run build`');
  const { assertNatsServerInstalled, startNatsServer, startS3Server } = await import(built.href);
  assertNatsServerInstalled();
  const root = mkdtempSync(join(tmpdir(), 'tusk-test-'));
  const nats = await startNatsServer({ storeDir: join(root, 'nats') });
  const s3 = await startS3Server({ dataDir: join(root, 's3'), bucket: 'tusk-test' });
  process.env.TUSK_TEST_ROOT = root;
  process.env.TUSK_TEST_NATS_URL = nats.url;
  process.env.TUSK_TEST_S3_ENDPOINT = s3.endpoint;
  globalThis.__tuskServices = [nats.process, s3.process];
}
