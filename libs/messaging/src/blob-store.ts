import type { KV } from '@nats-io/kv';

/** A blob could not be read back whole. */
export class BlobNotFoundError extends Error {
  constructor(key: string) {
    super(`blob ${key} not found`);
    this.name = 'BlobNotFoundError';
  }
}

interface BlobHead {
  bytes: number;
  chunks: number;
  chunkBytes: number;
}

const PARALLEL_CHUNKS = 8;
/** Room left under the server's max payload for the message's headers and subject. */
const PAYLOAD_HEADROOM = 64 * 1024;

async function inParallel<T>(count: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  const lanes = Array.from({ length: Math.min(PARALLEL_CHUNKS, count) }, async () => {
    while (next < count) {
      const i = next++;
      out[i] = await fn(i);
    }
  });
  await Promise.all(lanes);
  return out;
}

/**
 * Binary blobs (weights, deltas) in a KV bucket, split into chunks below the server's max
 * payload and moved in parallel; the head record is written last so a reader never sees half a blob.
 */
export class BlobStore {
  readonly chunkBytes: number;

  constructor(
    private readonly kv: KV,
    maxPayload: number,
  ) {
    this.chunkBytes = Math.max(1024, Math.min(maxPayload - PAYLOAD_HEADROOM, 4 * 1024 * 1024));
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    const chunks = Math.max(1, Math.ceil(data.byteLength / this.chunkBytes));
    await inParallel(chunks, (i) => this.kv.put(`${key}.c${i}`, data.subarray(i * this.chunkBytes, (i + 1) * this.chunkBytes)));
    const head: BlobHead = { bytes: data.byteLength, chunks, chunkBytes: this.chunkBytes };
    await this.kv.put(key, JSON.stringify(head));
  }

  async get(key: string): Promise<Uint8Array> {
    const headEntry = await this.kv.get(key);
    if (!headEntry || headEntry.operation !== 'PUT') throw new BlobNotFoundError(key);
    const head = headEntry.json<BlobHead>();
    const out = new Uint8Array(head.bytes);
    await inParallel(head.chunks, async (i) => {
      const entry = await this.kv.get(`${key}.c${i}`);
      if (!entry || entry.operation !== 'PUT') throw new BlobNotFoundError(`${key}.c${i}`);
      out.set(entry.value, i * head.chunkBytes);
    });
    return out;
  }

  async exists(key: string): Promise<boolean> {
    const entry = await this.kv.get(key);
    return !!entry && entry.operation === 'PUT';
  }

  /** Purges the head and its chunks (purge, not delete, so no history is kept). */
  async delete(key: string): Promise<void> {
    const entry = await this.kv.get(key);
    if (!entry || entry.operation !== 'PUT') return;
    const head = entry.json<BlobHead>();
    await this.kv.purge(key);
    await inParallel(head.chunks, (i) => this.kv.purge(`${key}.c${i}`));
  }
}
