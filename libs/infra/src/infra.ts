import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  BlobStore,
  connectNats,
  ensureLogStream,
  ensureResultStream,
  ensureTaskConsumer,
  JobLogPublisher,
  ensureTaskStream,
  natsIsHealthy,
  openBuckets,
  VersionedWeights,
  type TuskBuckets,
} from '@tusk/messaging';
import { ObjectStore } from '@tusk/storage';
import type { BaseEnv } from '@tusk/config';

export interface InfraOptions {
  /** Connection name shown by the NATS server (`tusk-driver`, `tusk-worker-3`, ...). */
  name: string;
  env: BaseEnv;
  /** Told about NATS disconnects and reconnects, which are otherwise silent. */
  onStatus?: (text: string) => void;
}

/** A service's connections: NATS (JetStream, KV, blobs, job logs) and S3, with Tusk's streams, consumer and buckets created. */
export class Infra {
  /** Live weights of asynchronous and hogwild jobs. */
  readonly versions: VersionedWeights;
  /** Where the service's logger sends the lines that name a job (see TuskLogger.sendJobLinesTo). */
  readonly jobLogs: JobLogPublisher;

  private constructor(
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    readonly buckets: TuskBuckets,
    readonly blobs: BlobStore,
    readonly store: ObjectStore,
  ) {
    this.versions = new VersionedWeights(buckets.weights, blobs);
    this.jobLogs = new JobLogPublisher(nc);
  }

  static async connect({ name, env, onStatus }: InfraOptions): Promise<Infra> {
    const nc = await connectNats({
      url: env.NATS_URL,
      name,
      user: env.NATS_USER,
      pass: env.NATS_PASS,
      timeoutMs: env.TUSK_REQUEST_TIMEOUT_MS,
    });
    try {
      const jsm = await jetstreamManager(nc);
      const replicas = env.TUSK_NATS_REPLICAS;
      await ensureTaskStream(jsm, { replicas });
      await ensureResultStream(jsm, { replicas });
      await ensureLogStream(jsm, { replicas });
      await ensureTaskConsumer(jsm, { ackWaitMs: env.TUSK_TASK_ACK_WAIT_S * 1000, maxDeliver: env.TUSK_TASK_MAX_ATTEMPTS });
      const buckets = await openBuckets(nc, { replicas });
      const store = new ObjectStore({
        endpoint: env.S3_ENDPOINT,
        region: env.S3_REGION,
        accessKeyId: env.S3_ACCESS_KEY,
        secretAccessKey: env.S3_SECRET_KEY,
        bucket: env.S3_BUCKET,
        timeoutMs: env.TUSK_REQUEST_TIMEOUT_MS,
      });
      await store.ensureBucket();
      const infra = new Infra(nc, jetstream(nc), jsm, buckets, new BlobStore(buckets.weights, nc.info?.max_payload ?? 1024 * 1024), store);
      if (onStatus) infra.onStatus(onStatus);
      return infra;
    } catch (err) {
      // Nothing half-connected stays behind (an open connection would keep the process alive).
      await nc.close().catch(() => undefined);
      throw err;
    }
  }

  /** Reports NATS disconnects and reconnects, which are otherwise silent. */
  onStatus(log: (text: string) => void): void {
    void (async () => {
      for await (const s of this.nc.status()) {
        if (s.type === 'disconnect' || s.type === 'reconnect') log(`nats ${s.type}`);
      }
    })();
  }

  async health(): Promise<{ nats: boolean; s3: boolean }> {
    const [nats, s3] = await Promise.all([this.natsIsHealthy(), this.s3IsHealthy()]);
    return { nats, s3 };
  }

  /** A flush round trip to NATS within 2 s. */
  natsIsHealthy(): Promise<boolean> {
    return natsIsHealthy(this.nc);
  }

  /** A HeadBucket on the service's bucket within 2 s. */
  s3IsHealthy(): Promise<boolean> {
    return this.store.isHealthy();
  }

  /** Drains NATS so that in-flight publishes are flushed before the process exits. */
  async close(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => undefined);
    this.store.destroy();
  }
}
