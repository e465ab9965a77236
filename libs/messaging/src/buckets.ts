import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { JOBS_BUCKET, WEIGHTS_BUCKET, WORKERS_BUCKET } from '@tusk/contracts';
import { ensureStream, explainReplicaRefusal } from './streams.js';

export interface TuskBuckets {
  weights: KV;
  jobs: KV;
  workers: KV;
}

/**
 * Opens (creating when missing) the three KV buckets with `replicas` copies; safe to call from every service at boot.
 * A bucket made with other replicas is scaled in place, as streams are (see ensureStream).
 */
export async function openBuckets(nc: NatsConnection, { heartbeatTtlMs = 15_000, replicas = 1 } = {}): Promise<TuskBuckets> {
  const kvm = new Kvm(nc);
  const jsm = await jetstreamManager(nc);
  const open = async (bucket: string, ttl?: number): Promise<KV> => {
    // Direct gets are answered by any replica, a follower that has not yet applied the latest put included: with
    // replicas, reads go to the leader, so a record read just after its write (a job just created) is there.
    const kv = await kvm
      .create(bucket, { history: 1, replicas, allow_direct: replicas === 1, ...(ttl ? { ttl } : {}) })
      .catch((err: unknown) => {
        throw explainReplicaRefusal({ err, stream: `KV_${bucket}`, replicas });
      });
    if ((await kv.status()).replicas !== replicas) await ensureStream(jsm, { name: `KV_${bucket}`, num_replicas: replicas });
    return kv;
  };
  const [weights, jobs, workers] = await Promise.all([open(WEIGHTS_BUCKET), open(JOBS_BUCKET), open(WORKERS_BUCKET, heartbeatTtlMs)]);
  return { weights, jobs, workers };
}
