import type { JetStreamManager } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';

/** Two writers raced on one record more often than the retry budget allows. */
export class RecordConflictError extends Error {
  constructor(what: string) {
    super(`${what} is being updated concurrently; try again`);
    this.name = 'RecordConflictError';
  }
}

const MAX_CAS_RETRIES = 20;

/**
 * Applies `change` to the newest JSON record under `key` and writes it back only if nobody wrote in between
 * (compare-and-set on the entry's revision), retrying on a lost race. Stamps `updatedAt`. With `onlyIfChanged`,
 * a change that leaves the record as it was writes nothing (`changed: false`).
 */
export async function casUpdate<T extends { updatedAt: string }>(options: {
  kv: KV;
  key: string;
  what: string;
  change: (record: T) => T | void;
}): Promise<T> {
  return (await casChange(options)).record;
}

export async function casChange<T extends { updatedAt: string }>({
  kv,
  key,
  what,
  change,
  onlyIfChanged = false,
}: {
  kv: KV;
  key: string;
  what: string;
  change: (record: T) => T | void;
  onlyIfChanged?: boolean;
}): Promise<{ record: T; changed: boolean }> {
  for (let attempt = 0; attempt < MAX_CAS_RETRIES; attempt++) {
    const entry = await kv.get(key);
    if (!entry || entry.operation !== 'PUT') throw new Error(`${what} not found`);
    const before = entry.string();
    const current = entry.json<T>();
    const next = change(current) ?? current;
    if (onlyIfChanged && JSON.stringify(next) === before) return { record: next, changed: false };
    next.updatedAt = new Date().toISOString();
    try {
      await kv.update(key, JSON.stringify(next), entry.revision);
      return { record: next, changed: true };
    } catch (err) {
      if (!/wrong last sequence|revision/i.test(String(err))) throw err;
    }
  }
  throw new RecordConflictError(what);
}

/**
 * Every record under `filter` (e.g. `job.*`), newest first. The keys come from the stream's own list of subjects
 * holding a message, one snapshot taken under the stream's lock, not from kv.keys(): that walks the stream with a
 * consumer, so a record updated while it walks comes twice, or not at all when its new revision lands past the point
 * the walk stops at (GET /jobs missed running jobs, whose records change every round).
 */
export async function listRecords<T extends { createdAt: string }>({
  kv,
  jsm,
  bucket,
  filter,
}: {
  kv: KV;
  jsm: JetStreamManager;
  bucket: string;
  filter: string;
}): Promise<T[]> {
  const prefix = `$KV.${bucket}.`;
  const info = await jsm.streams.info(`KV_${bucket}`, { subjects_filter: `${prefix}${filter}` });
  const keys = Object.keys(info.state.subjects ?? {}).map((subject) => subject.slice(prefix.length));
  const out: T[] = [];
  for (const key of keys) {
    const entry = await kv.get(key);
    if (entry && entry.operation === 'PUT') out.push(entry.json<T>());
  }
  return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}
