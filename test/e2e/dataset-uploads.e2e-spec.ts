import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { loadEnv } from '@tusk/config';
import type { DatasetManifest } from '@tusk/contracts';
import { encodePartition, parseCsv, partitionTable, seededRandom, tableFromCsv } from '@tusk/data';
import type { ObjectStore } from '@tusk/storage';
import { createDriverApp } from '../../apps/driver/src/create-app.js';
import { DriverEnv } from '../../apps/driver/src/driver-env.js';
import { STAGING_PREFIX } from '../../apps/driver/src/datasets/streaming-upload.interceptor.js';
import { UploadSlots } from '../../apps/driver/src/datasets/upload-slots.js';
import type { LocalNats } from '../../scripts/local-services/index.js';
import { eventually, serviceEnv, suiteNats, suiteStore, testS3 } from '../harness/test-env.js';

const MAX_UPLOAD = 1024 * 1024;

/** A numeric CSV with a label column; about 60 bytes a row. */
function csv(rows: number, seed: number): string {
  const random = seededRandom(seed);
  const lines = ['f0,f1,f2,f3,f4,label'];
  for (let r = 0; r < rows; r++)
    lines.push([...Array.from({ length: 5 }, () => (random() * 200 - 100).toFixed(4)), Math.floor(random() * 10)].join(','));
  return lines.join('\n') + '\n';
}

function form(fields: Record<string, string>, files: Record<string, Uint8Array>): FormData {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.set(k, v);
  for (const [k, v] of Object.entries(files)) body.set(k, new Blob([Buffer.from(v)]), `${k}.bin`);
  return body;
}

describe('dataset uploads stream into S3 (staging, limits, concurrency, streamed CSV partitions)', () => {
  let nats: LocalNats;
  let app: INestApplication;
  let base: string;
  let store: ObjectStore;

  const post = (body: FormData | object) =>
    fetch(
      `${base}/datasets`,
      body instanceof FormData
        ? { method: 'POST', body }
        : { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } },
    );
  const datasetCount = async () => ((await (await fetch(`${base}/datasets`)).json()) as unknown[]).length;
  const staged = () => store.list(STAGING_PREFIX);

  beforeAll(async () => {
    nats = await suiteNats();
    const env = serviceEnv({ natsUrl: nats.url, s3: testS3() });
    const driverEnv = { ...env, TUSK_BACKEND: 'cpu', TUSK_MAX_UPLOAD_BYTES: String(MAX_UPLOAD), TUSK_MAX_CONCURRENT_UPLOADS: '1' };
    app = await createDriverApp(loadEnv(DriverEnv, driverEnv));
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    store = suiteStore(env);
  }, 60_000);

  afterAll(async () => {
    store?.destroy();
    await app?.close();
    await nats?.process.stop();
  });

  it.each([
    ['plain', false],
    ['gzipped', true],
  ])('writes the same partition bytes as the in-memory path for a %s CSV, and nothing stays staged', async (_name, gzip) => {
    const text = csv(9000, gzip ? 2 : 1);
    const bytes = Buffer.from(text);
    const res = await post(
      form({ format: 'csv', labelColumns: 'label', partitions: '5', seed: '13' }, { file: gzip ? gzipSync(bytes) : bytes }),
    );
    expect(res.status).toBe(201);
    const manifest = (await res.json()) as DatasetManifest;
    const table = tableFromCsv(parseCsv({ text, labelColumns: ['label'] }));
    const want = partitionTable({ table, partitions: 5, seed: 13 }).map((p) => Buffer.from(encodePartition(p)));
    expect(manifest).toMatchObject({
      rows: 9000,
      seed: 13,
      features: { dtype: 'float32', shape: [5] },
      labels: { dtype: 'int32', shape: [], numClasses: 10 },
    });
    for (const [i, part] of manifest.partitions.entries()) {
      const got = Buffer.from(await store.getBytes(part.key));
      expect(got.equals(want[i])).toBe(true);
      expect(part).toMatchObject({ bytes: want[i].length, sha256: createHash('sha256').update(want[i]).digest('hex') });
    }
    expect(await staged()).toEqual([]);
  });

  it('refuses a file over TUSK_MAX_UPLOAD_BYTES with 413 naming the field, keeping nothing', async () => {
    const before = await datasetCount();
    const big = Buffer.from(csv(Math.ceil((MAX_UPLOAD * 1.5) / 60), 3));
    const res = await post(form({ format: 'csv', labelColumns: 'label' }, { file: big }));
    expect(res.status).toBe(413);
    // Refused while arriving (a file cut at the limit would pass the HEAD check the service makes after).
    expect(await res.json()).toMatchObject({ field: 'file', message: expect.stringContaining('the file is larger than 1048576 bytes') });
    expect(await staged()).toEqual([]);
    expect(await datasetCount()).toBe(before);
  });

  it('deletes staged files when the form or the file is refused (400, 422)', async () => {
    const before = await datasetCount();
    const good = Buffer.from(csv(50, 4));
    const badForm = await post(form({ format: 'csv', labelColumns: 'label', partitions: '0' }, { file: good }));
    expect(badForm.status).toBe(400);
    expect(JSON.stringify(await badForm.json())).toContain('partitions');
    const badColumn = await post(form({ format: 'csv', labelColumns: 'nope' }, { file: good }));
    expect(badColumn.status).toBe(422);
    expect(await badColumn.json()).toMatchObject({ field: 'file', message: expect.stringContaining('"nope" not found') });
    const badRow = await post(
      form({ format: 'csv', labelColumns: 'label' }, { file: Buffer.concat([good, Buffer.from('1,2,3,4,x,0\n')]) }),
    );
    expect(badRow.status).toBe(422);
    const stray = await post(form({ format: 'csv', labelColumns: 'label' }, { file: good, evil: good }));
    expect(stray.status).toBe(400);
    expect(await staged()).toEqual([]);
    expect(await datasetCount()).toBe(before);
  });

  it.each([
    ['a file part without a name', 'content-disposition: form-data; filename="x.csv"\r\ncontent-type: text/csv'],
    ['a field part without a name', 'content-disposition: form-data'],
  ])('answers 400 to %s (and keeps serving)', async (_name, disposition) => {
    const b = 'tuskNoName';
    const body =
      `--${b}\r\ncontent-disposition: form-data; ` +
      `name="format"\r\n\r\ncsv\r\n--${b}\r\n${disposition}\r\n\r\na,y\n1,0\n\r\n--${b}--\r\n`;
    const res = await fetch(`${base}/datasets`, {
      method: 'POST',
      body,
      headers: { 'content-type': `multipart/form-data; boundary=${b}` },
    });
    expect(res.status).toBe(400);
    expect((await res.json()).message).toContain('no name');
    expect((await fetch(`${base}/datasets`)).status).toBe(200);
    expect(await staged()).toEqual([]);
  });

  it('refuses a second concurrent upload with 429 while the first is still arriving', async () => {
    const slots = app.get(UploadSlots);
    const boundary = 'tuskTestBoundary';
    const head =
      `--${boundary}\r\ncontent-disposition: form-data; name="format"\r\n\r\ncsv\r\n--${boundary}\r\ncontent-disposition: ` +
      `form-data; name="labelColumns"\r\n\r\nlabel\r\n` +
      `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="d.csv"\r\ncontent-type: text/csv\r\n\r\n`;
    const text = csv(200, 5);
    const slow = httpRequest(`${base}/datasets`, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    const first = new Promise<{ status: number; body: string }>((resolve, reject) => {
      slow.on('response', (res) => {
        let body = '';
        res.on('data', (c) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      slow.on('error', reject);
    });
    slow.write(head + text.slice(0, 3000));
    await eventually(async () => slots.inUse === 1, { timeoutMs: 5_000, what: 'the first upload to hold the slot' });
    const second = await post(form({ format: 'csv', labelColumns: 'label' }, { file: Buffer.from(text) }));
    expect(second.status).toBe(429);
    expect((await second.json()).message).toContain('TUSK_MAX_CONCURRENT_UPLOADS');
    slow.end(`${text.slice(3000)}\r\n--${boundary}--\r\n`);
    const done = await first;
    expect(done.status).toBe(201);
    expect(JSON.parse(done.body)).toMatchObject({ rows: 200 });
    expect(slots.inUse).toBe(0);
    expect(await staged()).toEqual([]);
  });

  it('HEADs source objects first: one over TUSK_MAX_UPLOAD_BYTES is 413 naming source.<field>', async () => {
    await store.putBytes('incoming/big.csv', Buffer.alloc(MAX_UPLOAD + 1, 0x31));
    const csvRes = await post({ format: 'csv', labelColumns: ['label'], source: { file: 'incoming/big.csv' } });
    expect(csvRes.status).toBe(413);
    expect(await csvRes.json()).toMatchObject({ field: 'source.file' });
    await store.putBytes('incoming/small.npy', Buffer.alloc(10));
    const npyRes = await post({ format: 'npy', source: { features: 'incoming/big.csv', labels: 'incoming/small.npy' } });
    expect(npyRes.status).toBe(413);
    expect(await npyRes.json()).toMatchObject({ field: 'source.features' });
    await store.putBytes('incoming/ok.csv', Buffer.from(csv(30, 6)));
    const registered = await post({ format: 'csv', labelColumns: ['label'], partitions: 2, source: { file: 'incoming/ok.csv' } });
    expect(registered.status).toBe(201);
    expect(await registered.json()).toMatchObject({ rows: 30 });
    // A registration's source object is the caller's: it stays.
    expect(await store.getBytes('incoming/ok.csv')).toHaveLength(Buffer.from(csv(30, 6)).length);
  });
});
