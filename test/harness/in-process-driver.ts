import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { loadEnv } from '@tusk/config';
import { createDriverApp } from '../../apps/driver/src/create-app.js';
import { DriverEnv } from '../../apps/driver/src/driver-env.js';
import { startTestCluster, type TestCluster } from './test-cluster.js';
import { serviceEnv } from './test-env.js';

export interface InProcessDriver {
  app: INestApplication;
  http: ReturnType<typeof request>;
  tc: TestCluster;
  stop: () => Promise<void>;
}

/**
 * The driver in this process (called through supertest) with a parameter server and `workers` workers as real
 * processes on the cpu backend; `clusterEnv` and `logSink` go to those processes only. Stops what started if a part fails.
 */
export async function startInProcessDriver({
  workers,
  clusterEnv = {},
  logSink = null,
}: {
  workers: number;
  clusterEnv?: Record<string, string>;
  logSink?: NodeJS.WritableStream | null;
}): Promise<InProcessDriver> {
  const tc = await startTestCluster({ workers, driver: false, env: clusterEnv, logSink });
  let app: INestApplication | undefined;
  try {
    // The cluster's NATS and bucket, without what clusterEnv set for the worker processes.
    const env = serviceEnv({ natsUrl: tc.nats.url, s3: { endpoint: tc.env.S3_ENDPOINT, bucket: tc.env.S3_BUCKET } });
    app = await createDriverApp(loadEnv(DriverEnv, { ...env, TUSK_BACKEND: 'cpu', TUSK_STALL_TIMEOUT_S: '120' }));
    await app.listen(0, '127.0.0.1');
  } catch (err) {
    await app?.close();
    await tc.stop();
    throw err;
  }
  const started = app;
  return {
    app: started,
    http: request(started.getHttpServer()),
    tc,
    stop: async () => {
      await tc.cluster.stop();
      await started.close();
      await tc.nats.process.stop();
    },
  };
}
