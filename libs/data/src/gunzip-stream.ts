import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { DatasetFormatError } from './errors.js';
import { isGzip } from './idx.js';

/** maybeGunzip for streams: gzip input (by its magic bytes) is gunzipped as it arrives, and refused past maxBytes (no gzip bombs). */
export async function* maybeGunzipStream(source: AsyncIterable<Uint8Array>, what: string, maxBytes: number): AsyncGenerator<Uint8Array> {
  const it = source[Symbol.asyncIterator]();
  let head: Uint8Array = new Uint8Array(0);
  let ended = false;
  while (head.length < 2 && !ended) {
    const next = await it.next();
    if (next.done) ended = true;
    else head = head.length ? Buffer.concat([head, next.value]) : next.value;
  }
  const all = async function* () {
    if (head.length) yield head;
    while (!ended) {
      const next = await it.next();
      if (next.done) return;
      yield next.value;
    }
  };
  if (!isGzip(head)) return yield* all();
  const gunzipped = pipeline(Readable.from(all()), createGunzip(), () => undefined);
  let total = 0;
  try {
    for await (const chunk of gunzipped as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) throw new DatasetFormatError(`${what} file expands to more than ${maxBytes} bytes when gunzipped`);
      yield chunk;
    }
  } catch (err) {
    if (/^Z_/.test((err as { code?: string }).code ?? '')) {
      throw new DatasetFormatError(`${what} file is gzip-compressed but the gzip stream is corrupt or truncated`, { cause: err });
    }
    throw err;
  } finally {
    gunzipped.destroy();
  }
}
