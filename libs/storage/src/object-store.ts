import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Readable } from 'node:stream';

export interface S3Options {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
  timeoutMs?: number;
}

/** An object that should exist does not. */
export class ObjectNotFoundError extends Error {
  constructor(key: string) {
    super(`object ${key} not found`);
    this.name = 'ObjectNotFoundError';
  }
}

/** S3 did not answer (refused, reset, timed out, 5xx): worth retrying, and named as such when it is not. */
export class StorageUnavailableError extends Error {
  constructor(endpoint: string, cause: unknown) {
    super(`S3 unreachable at ${endpoint}: ${(cause as Error)?.message || (cause as Error)?.name || String(cause)}`, { cause });
    this.name = 'StorageUnavailableError';
  }
}

/** Socket error codes that mean the server could not be reached (a retry may succeed). */
export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
function isUnavailable(err: unknown): boolean {
  const e = err as { code?: string; name?: string; $metadata?: { httpStatusCode?: number } };
  return (
    (e?.code !== undefined && NETWORK_ERROR_CODES.has(e.code)) || e?.name === 'TimeoutError' || (e?.$metadata?.httpStatusCode ?? 0) >= 500
  );
}

/** The few S3 operations Tusk needs, on one bucket; path-style so MinIO, s3rver and AWS all work. */
export class ObjectStore {
  readonly client: S3Client;
  readonly bucket: string;

  private readonly endpoint: string;

  constructor({ endpoint, region, accessKeyId, secretAccessKey, bucket, timeoutMs = 30_000 }: S3Options) {
    this.bucket = bucket;
    this.endpoint = endpoint;
    // The pinned SDK supports Node 20; its notice about future releases would repeat in every service log.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    this.client = new S3Client({
      endpoint,
      region,
      forcePathStyle: true,
      credentials: { accessKeyId, secretAccessKey },
      maxAttempts: 3,
      requestHandler: { requestTimeout: timeoutMs, connectionTimeout: Math.min(timeoutMs, 5_000) },
    });
  }

  /** Creates the bucket when it is missing (idempotent). */
  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch {
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
    }
  }

  async isHealthy(): Promise<boolean> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }), { abortSignal: AbortSignal.timeout(2_000) });
      return true;
    } catch {
      return false;
    }
  }

  /** Sends a command; network failures become StorageUnavailableError naming the endpoint. */
  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (err) {
      if (isUnavailable(err)) throw new StorageUnavailableError(this.endpoint, err);
      throw err;
    }
  }

  async putBytes(key: string, body: Uint8Array, contentType = 'application/octet-stream'): Promise<void> {
    await this.call(() => this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType })));
  }

  async putJson(key: string, value: unknown): Promise<void> {
    await this.putBytes(key, new TextEncoder().encode(JSON.stringify(value)), 'application/json');
  }

  async getBytes(key: string): Promise<Uint8Array> {
    try {
      const out = await this.call(() => this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key })));
      if (!out.Body) throw new ObjectNotFoundError(key);
      return await this.call(() => out.Body!.transformToByteArray());
    } catch (err) {
      if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') throw new ObjectNotFoundError(key);
      throw err;
    }
  }

  /** The object's size in bytes (a HEAD request), so callers can refuse one before reading it. */
  async size(key: string): Promise<number> {
    try {
      const out = await this.call(() => this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key })));
      return out.ContentLength ?? 0;
    } catch (err) {
      const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404) throw new ObjectNotFoundError(key);
      throw err;
    }
  }

  /** The object's bytes as a stream, for objects too big to hold in memory. */
  async getStream(key: string): Promise<Readable> {
    try {
      const out = await this.call(() => this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key })));
      if (!out.Body) throw new ObjectNotFoundError(key);
      return out.Body as Readable;
    } catch (err) {
      if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') throw new ObjectNotFoundError(key);
      throw err;
    }
  }

  /**
   * Writes a stream of unknown length (multipart above 5 MiB, so at most queueSize + 1 parts are in memory).
   * Aborting `signal` stops it and removes what was uploaded so far.
   */
  async putStream(
    key: string,
    body: Readable,
    { signal, contentType = 'application/octet-stream' }: { signal?: AbortSignal; contentType?: string } = {},
  ): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: body, ContentType: contentType },
      queueSize: 1,
    });
    const abort = () => void upload.abort().catch(() => undefined);
    if (signal?.aborted) abort();
    signal?.addEventListener('abort', abort, { once: true });
    try {
      await this.call(() => upload.done());
    } finally {
      signal?.removeEventListener('abort', abort);
    }
  }

  async deleteKeys(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000).map((Key) => ({ Key }));
      await this.call(() => this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch } })));
    }
  }

  async getJson<T>(key: string): Promise<T> {
    return JSON.parse(new TextDecoder().decode(await this.getBytes(key))) as T;
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.call(() =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token })),
      );
      for (const obj of page.Contents ?? []) if (obj.Key) keys.push(obj.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  async deletePrefix(prefix: string): Promise<number> {
    const keys = await this.list(prefix);
    await this.deleteKeys(keys);
    return keys.length;
  }

  destroy(): void {
    this.client.destroy();
  }
}
