import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { loadEnv } from '@tusk/config';
import type { ObjectStore } from '@tusk/storage';
import { createDriverApp } from '../../apps/driver/src/create-app.js';
import { DriverEnv } from '../../apps/driver/src/driver-env.js';
import type { LocalNats } from '../../scripts/local-services/index.js';
import { serviceEnv, suiteNats, suiteStore, testS3 } from '../harness/test-env.js';

/** An IDX file as MNIST ships it: magic, big-endian dims, uint8 data. */
function idx(dims: number[], data: number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(0x00000800 | dims.length, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(data)]);
}

/** A NumPy v1 .npy file of little-endian float32 (or int32) values. */
function npy(shape: number[], values: number[], dtype: '<f4' | '<i4'): Buffer {
  let header = `{'descr': '${dtype}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const prefix = Buffer.alloc(10);
  Buffer.from('\x93NUMPY', 'latin1').copy(prefix);
  prefix[6] = 1;
  prefix.writeUInt16LE(header.length, 8);
  const body = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => (dtype === '<f4' ? body.writeFloatLE(v, i * 4) : body.writeInt32LE(v, i * 4)));
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), body]);
}

describe('datasets over HTTP (IDX, NPY, registration from S3, limits)', () => {
  let nats: LocalNats;
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let store: ObjectStore;

  beforeAll(async () => {
    nats = await suiteNats();
    const env = serviceEnv({ natsUrl: nats.url, s3: testS3() });
    app = await createDriverApp(loadEnv(DriverEnv, { ...env, TUSK_BACKEND: 'cpu', TUSK_MAX_UPLOAD_BYTES: '4096' }));
    await app.init();
    http = request(app.getHttpServer());
    store = suiteStore(env);
  }, 60_000);

  afterAll(async () => {
    store?.destroy();
    await app?.close();
    await nats?.process.stop();
  });

  it('ingests gzipped IDX images with their labels, in seeded partitions', async () => {
    const images = idx(
      [6, 2, 2],
      Array.from({ length: 24 }, (_, i) => i * 10),
    );
    const labels = idx([6], [0, 1, 2, 0, 1, 2]);
    const res = await http
      .post('/datasets')
      .field('format', 'idx')
      .field('partitions', '3')
      .field('seed', '7')
      .attach('images', gzipSync(images), 'images.gz')
      .attach('labels', labels, 'labels');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      format: 'idx',
      rows: 6,
      seed: 7,
      features: { dtype: 'uint8', shape: [2, 2], scale: 1 / 255 },
      labels: { dtype: 'int32', shape: [], numClasses: 3 },
    });
    expect(res.body.partitions.map((p: { rows: number }) => p.rows)).toEqual([2, 2, 2]);
    expect(res.body.partitions[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await http.get(`/datasets/${res.body.id}`)).body.id).toBe(res.body.id);
  });

  it('ingests NPY features and labels, and registers the same files already in S3', async () => {
    const features = npy([4, 3], [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6], '<f4');
    const labels = npy([4, 1], [1, 0, 1, 0], '<f4');
    const uploaded = await http
      .post('/datasets')
      .field('format', 'npy')
      .field('partitions', '2')
      .attach('features', features, 'x.npy')
      .attach('labels', labels, 'y.npy');
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({ rows: 4, features: { dtype: 'float32', shape: [3] }, labels: { dtype: 'float32', shape: [1] } });

    await store.putBytes('incoming/x.npy', features);
    await store.putBytes('incoming/y.npy', labels);
    const registered = await http
      .post('/datasets')
      .send({ format: 'npy', name: 'from-s3', source: { features: 'incoming/x.npy', labels: 'incoming/y.npy' } });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ name: 'from-s3', rows: 4 });
    const missing = await http
      .post('/datasets')
      .send({ format: 'npy', source: { features: 'incoming/none.npy', labels: 'incoming/y.npy' } });
    expect(missing.status).toBe(422);
    expect(missing.body.field).toBe('source.features');
  });

  it('refuses an upload over the size limit with 413 and a traversal key with 400, storing nothing', async () => {
    const before = (await http.get('/datasets')).body.length;
    const big = await http
      .post('/datasets')
      .field('format', 'csv')
      .field('labelColumns', 'y')
      .attach('file', Buffer.alloc(8192, 'a'), 'big.csv');
    expect(big.status).toBe(413);
    const traversal = await http.post('/datasets').send({ format: 'csv', labelColumns: ['y'], source: { file: '../secrets.csv' } });
    expect(traversal.status).toBe(400);
    expect(traversal.body.message.join(' ')).toContain('source.file');
    const badIdx = await http
      .post('/datasets')
      .field('format', 'idx')
      .attach('images', Buffer.from([1, 2, 3, 4, 5]), 'x')
      .attach('labels', idx([1], [0]), 'y');
    expect(badIdx.status).toBe(422);
    expect((await http.get('/datasets')).body.length).toBe(before);
  });

  it('deletes a dataset and everything under its prefix', async () => {
    const csv = 'a,b,y\n1,2,0\n3,4,1\n5,6,0\n';
    const created = await http
      .post('/datasets')
      .field('format', 'csv')
      .field('labelColumns', 'y')
      .field('partitions', '2')
      .attach('file', Buffer.from(csv), 'd.csv');
    expect(created.status).toBe(201);
    expect(await store.list(`datasets/${created.body.id}/`)).toHaveLength(3);
    expect((await http.delete(`/datasets/${created.body.id}`)).status).toBe(204);
    expect(await store.list(`datasets/${created.body.id}/`)).toHaveLength(0);
    expect((await http.get(`/datasets/${created.body.id}`)).status).toBe(404);
  });
});
