import { describe, expect, it } from '@jest/globals';
import { gzipSync } from 'node:zlib';
import { maybeGunzipStream } from './gunzip-stream.js';

async function* chunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}
async function collect(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const out: Uint8Array[] = [];
  for await (const c of it) out.push(c);
  return Buffer.concat(out);
}

describe('maybeGunzipStream', () => {
  const text = Buffer.from('a,b,y\n'.repeat(5000));

  it('passes plain bytes through and gunzips gzip input, whatever the chunking', async () => {
    expect(await collect(maybeGunzipStream(chunks(text, 1), 'file', 1e9))).toEqual(text);
    expect(await collect(maybeGunzipStream(chunks(gzipSync(text), 1), 'file', 1e9))).toEqual(text);
    expect(await collect(maybeGunzipStream(chunks(gzipSync(text), 4096), 'file', 1e9))).toEqual(text);
    expect(await collect(maybeGunzipStream(chunks(Buffer.from('x'), 1), 'file', 1e9))).toEqual(Buffer.from('x'));
  });

  it('stops a gzip bomb at maxBytes and names the field', async () => {
    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024));
    await expect(collect(maybeGunzipStream(chunks(bomb, 1024), 'file', 1024 * 1024))).rejects.toThrow(
      'file file expands to more than 1048576 bytes',
    );
  });

  it('calls a corrupt or truncated gzip stream what it is', async () => {
    await expect(collect(maybeGunzipStream(chunks(gzipSync(text).subarray(0, 30), 7), 'labels', 1e9))).rejects.toThrow(
      'labels file is gzip-compressed but the gzip stream is corrupt',
    );
    await expect(
      collect(maybeGunzipStream(chunks(Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8]), 5), 'file', 1e9)),
    ).rejects.toThrow('corrupt or truncated');
  });
});
