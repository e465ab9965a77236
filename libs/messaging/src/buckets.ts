import type { NatsConnection } from '@nats-io/transport-node';
import { Kvm, type KV } from '@nats-io/kv';
import { JOBS_BUCKET, WEIGHTS_BUCKET, WORKERS_BUCKET } from '@tusk/contracts';

export interface TuskBuckets {
  weights: KV;
  jobs: KV;
  workers: KV;
}

/** Opens (creating when missing) the three KV buckets; safe to call from every service at boot. */
export async function openBuckets(nc: NatsConnection, { heartbeatTtlMs = 15_000 } = {}): Promise<TuskBuckets> {
  const kvm = new Kvm(nc);
  const [weights, jobs, workers] = await Promise.all([
    kvm.create(WEIGHTS_BUCKET, { history: 1 }),
    kvm.create(JOBS_BUCKET, { history: 1 }),
    kvm.create(WORKERS_BUCKET, { history: 1, ttl: heartbeatTtlMs }),
  ]);
  return { weights, jobs, workers };
}
