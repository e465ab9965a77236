import type { JetStreamManager } from '@nats-io/jetstream';

/**
 * Removes every key of a KV bucket that starts with `prefix` (which ends with a dot) in one stream purge:
 * blob heads and their chunks go together, and keys that nothing names any more go with them.
 */
export async function purgeKvPrefix({ jsm, bucket, prefix }: { jsm: JetStreamManager; bucket: string; prefix: string }): Promise<number> {
  if (!prefix.endsWith('.')) throw new Error(`KV prefix "${prefix}" must end with a dot`);
  const { purged } = await jsm.streams.purge(`KV_${bucket}`, { filter: `$KV.${bucket}.${prefix}>` });
  return purged;
}
