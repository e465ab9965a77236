import { LocalCluster } from '../../scripts/cluster/local-cluster.js';
import type { LocalNats } from '../../scripts/local-services/index.js';
import { serviceEnv, suiteNats, testS3 } from './test-env.js';

export interface TestCluster {
  nats: LocalNats;
  cluster: LocalCluster;
  env: ReturnType<typeof serviceEnv>;
  stop: () => Promise<void>;
}

/**
 * A suite's own nats-server and bucket, with the driver (unless `driver: false`), a parameter
 * server and `workers` workers as real processes on the cpu backend, logs silenced. If any of it
 * fails to start, everything already started is stopped before the error reaches the suite.
 */
export async function startTestCluster({
  workers,
  env = {},
  driver = true,
  logSink = null,
}: {
  workers: number;
  env?: Record<string, string>;
  driver?: boolean;
  /** Where the services' lines go, as `<service>| <line>`; silenced by default. */
  logSink?: NodeJS.WritableStream | null;
}): Promise<TestCluster> {
  const nats = await suiteNats();
  const allEnv = { ...serviceEnv({ natsUrl: nats.url, s3: testS3() }), TUSK_BACKEND: 'cpu', ...env };
  const cluster = new LocalCluster({
    dataDir: nats.storeDir,
    workers,
    natsUrl: nats.url,
    s3Endpoint: allEnv.S3_ENDPOINT,
    bucket: allEnv.S3_BUCKET,
    driver,
    logSink,
    env: allEnv,
  });
  const handle: TestCluster = {
    nats,
    cluster,
    env: allEnv,
    stop: async () => {
      await cluster.stop();
      await handle.nats.process.stop();
    },
  };
  try {
    await cluster.start();
  } catch (err) {
    await handle.stop();
    throw err;
  }
  return handle;
}
