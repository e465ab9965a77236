import { DeliverPolicy, type JetStreamClient } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';

/** How a VariantBlobStore reads chunks back. */
export type PullMode =
  /** One KV get (direct get request) per chunk, `parallel` in flight: what BlobStore does. */
  | 'kv-get'
  /** One ordered pull consumer over `<key>.*`, one fetch of all chunks: the server streams them back to back. */
  | 'stream';

export interface VariantOptions {
  chunkBytes: number;
  parallel: number;
  pull: PullMode;
}

interface Head {
  bytes: number;
  chunks: number;
  chunkBytes: number;
}

async function inParallel(count: number, parallel: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, count) }, async () => {
      while (next < count) await fn(next++);
    }),
  );
}

/**
 * BlobStore's layout (chunks `<key>.c<i>`, JSON head `<key>` written last) with the chunk size, the number
 * of requests in flight and the read path as parameters, to measure what each costs. Blobs written by
 * either class are readable by the other.
 */
export class VariantBlobStore {
  constructor(
    private readonly kv: KV,
    private readonly js: JetStreamClient,
    private readonly bucket: string,
    readonly options: VariantOptions,
  ) {}

  async put(key: string, data: Uint8Array): Promise<void> {
    const { chunkBytes, parallel } = this.options;
    const chunks = Math.max(1, Math.ceil(data.byteLength / chunkBytes));
    await inParallel(chunks, parallel, (i) => this.kv.put(`${key}.c${i}`, data.subarray(i * chunkBytes, (i + 1) * chunkBytes)));
    const head: Head = { bytes: data.byteLength, chunks, chunkBytes };
    await this.kv.put(key, JSON.stringify(head));
  }

  async get(key: string): Promise<Uint8Array> {
    const entry = await this.kv.get(key);
    if (!entry || entry.operation !== 'PUT') throw new Error(`blob ${key} not found`);
    const head = entry.json<Head>();
    const out = new Uint8Array(head.bytes);
    if (this.options.pull === 'kv-get') {
      await inParallel(head.chunks, this.options.parallel, async (i) => {
        const e = await this.kv.get(`${key}.c${i}`);
        if (!e || e.operation !== 'PUT') throw new Error(`blob chunk ${key}.c${i} not found`);
        out.set(e.value, i * head.chunkBytes);
      });
      return out;
    }
    const prefix = `$KV.${this.bucket}.${key}.`;
    const consumer = await this.js.consumers.get(`KV_${this.bucket}`, {
      filter_subjects: `${prefix}*`,
      deliver_policy: DeliverPolicy.LastPerSubject,
      inactive_threshold: 5_000,
    });
    const messages = await consumer.fetch({ max_messages: head.chunks, expires: 30_000 });
    let seen = 0;
    for await (const m of messages) {
      const i = Number(m.subject.slice(prefix.length + 1)); // `c<i>`
      out.set(m.data, i * head.chunkBytes);
      if (++seen === head.chunks) break;
    }
    if (seen !== head.chunks) throw new Error(`blob ${key}: ${seen} of ${head.chunks} chunks`);
    return out;
  }

  async delete(key: string): Promise<void> {
    const entry = await this.kv.get(key);
    if (!entry || entry.operation !== 'PUT') return;
    const head = entry.json<Head>();
    await this.kv.purge(key);
    await inParallel(head.chunks, 8, (i) => this.kv.purge(`${key}.c${i}`));
  }
}
