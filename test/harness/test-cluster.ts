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
  const handle: TestCluster = {
    nats,
    cluster: undefined as unknown as LocalCluster,
    env: {} as TestCluster['env'],
    stop: async () => {
      await handle.cluster?.stop();
      await handle.nats.process.stop();
    },
  };
  try {
    Object.assign(handle, await startServices({ natsUrl: nats.url, dataDir: nats.storeDir, workers, env, driver, logSink }));
  } catch (err) {
    await handle.stop();
    throw err;
  }
  return handle;
}

/**
 * The driver (unless `driver: false`), a parameter server and `workers` workers as real processes on the cpu backend,
 * pointed at the given NATS (one server or a comma-separated cluster) and a bucket of their own; stopped again if a part fails.
 */
export async function startServices({
  natsUrl,
  dataDir,
  workers,
  env = {},
  driver = true,
  logSink = null,
}: {
  natsUrl: string;
  dataDir: string;
  workers: number;
  env?: Record<string, string>;
  driver?: boolean;
  logSink?: NodeJS.WritableStream | null;
}): Promise<Pick<TestCluster, 'cluster' | 'env'>> {
  const allEnv = { ...serviceEnv({ natsUrl, s3: testS3() }), TUSK_BACKEND: 'cpu', ...env };
  const cluster = new LocalCluster({
    dataDir,
    workers,
    natsUrl,
    s3Endpoint: allEnv.S3_ENDPOINT,
    bucket: allEnv.S3_BUCKET,
    driver,
    logSink,
    env: allEnv,
  });
  await cluster.start();
  return { cluster, env: allEnv };
}
