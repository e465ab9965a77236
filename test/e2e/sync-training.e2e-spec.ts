import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { isFinalStatus } from '@tusk/client';
import type { JobRecord } from '@tusk/contracts';
import { startInProcessDriver, type InProcessDriver } from '../harness/in-process-driver.js';
import { eventually } from '../harness/test-env.js';
import { blobsCsv, blobsModel } from './synthetic-data.js';

describe('synchronous training end to end (driver in-process, 2 worker processes)', () => {
  let driver: InProcessDriver;
  let http: InProcessDriver['http'];
  const csv = blobsCsv({ rows: 600, seed: 7 });

  beforeAll(async () => {
    driver = await startInProcessDriver({ workers: 2 });
    http = driver.http;
  }, 120_000);

  afterAll(async () => {
    await driver?.stop();
  });

  it('uploads a dataset, trains on 2 workers, serves a model that tfjs opens and that predicts well', async () => {
    const upload = await http
      .post('/datasets')
      .field('format', 'csv')
      .field('name', 'blobs')
      .field('labelColumns', 'label')
      .field('partitions', '4')
      .attach('file', Buffer.from(csv), 'blobs.csv');
    expect(upload.status).toBe(201);
    expect(upload.body.rows).toBe(600);
    expect(upload.body.labels.numClasses).toBe(3);

    const submit = await http.post('/jobs').send({
      name: 'blobs-sync',
      model: blobsModel,
      compile: {
        optimizer: { className: 'adam', config: { learning_rate: 0.02 } },
        loss: 'categorical_crossentropy',
        metrics: ['accuracy'],
      },
      datasetId: upload.body.id,
      training: { mode: 'synchronous', epochs: 4, batchSize: 16, partitions: 2, seed: 3 },
    });
    expect(submit.status).toBe(201);
    const jobId = submit.body.id as string;
    expect(submit.body.totalRounds).toBe(4);

    const done = await eventually(
      async () => {
        const job = (await http.get(`/jobs/${jobId}`)).body as JobRecord;
        return isFinalStatus(job.status) ? job : null;
      },
      { timeoutMs: 180_000, what: 'the job to finish' },
    );
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('succeeded');
    expect(done).toMatchObject({ progress: 1, etaSeconds: 0 });
    expect(done.history.map((r) => r.round)).toEqual([1, 2, 3, 4]);
    // Every round averaged both partitions, 300 rows each.
    for (const round of done.history) expect(round.workers.map((w) => w.partition).sort()).toEqual([0, 1]);
    expect(done.history.at(-1)!.metrics.accuracy).toBeGreaterThan(0.9);
    expect(done.history.at(-1)!.metrics.loss).toBeLessThan(done.history[0].metrics.loss);

    const workers = (await http.get('/workers')).body as { id: string; backend: string }[];
    expect(workers.map((w) => w.id).sort()).toEqual(['worker-1', 'worker-2']);

    // Fetched through supertest: tfjs' own http loader uses a fetch from outside Jest's VM realm.
    const modelJson = (await http.get(`/jobs/${jobId}/model/model.json`).expect(200)).body;
    const weights = (
      await http
        .get(`/jobs/${jobId}/model/weights.bin`)
        .buffer(true)
        .parse((res, cb) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => cb(null, Buffer.concat(chunks)));
        })
        .expect(200)
    ).body as Buffer;
    expect(modelJson.weightsManifest[0].paths).toEqual(['weights.bin']);
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: modelJson.modelTopology,
        weightSpecs: modelJson.weightsManifest[0].weights,
        weightData: new Uint8Array(weights).buffer,
      }),
    );
    const rows = csv
      .split('\n')
      .slice(1)
      .map((l) => l.split(',').map(Number));
    const x = tf.tensor2d(rows.map((r) => r.slice(0, 4)));
    const predicted = (model.predict(x) as tf.Tensor).argMax(-1).arraySync() as number[];
    const accuracy = predicted.filter((p, i) => p === rows[i][4]).length / rows.length;
    expect(accuracy).toBeGreaterThan(0.9);
    tf.dispose(x);
    model.dispose();

    const evaluation = await http.post(`/jobs/${jobId}/evaluate`).send({ datasetId: upload.body.id });
    expect(evaluation.status).toBe(200);
    expect(evaluation.body.samples).toBe(600);
    expect(evaluation.body.metrics.accuracy).toBeCloseTo(accuracy, 2);
    expect((await http.get(`/jobs/${jobId}`)).body.evaluations.map((e: { id: string }) => e.id)).toEqual([evaluation.body.id]);

    const predict = await http.post(`/jobs/${jobId}/predict`).send({ instances: rows.slice(0, 3).map((r) => r.slice(0, 4)) });
    expect(predict.status).toBe(200);
    expect(predict.body.predictions).toHaveLength(3);
    for (const p of predict.body.predictions as number[][]) expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    const badPredict = await http.post(`/jobs/${jobId}/predict`).send({ instances: [[1, 2, 3]] });
    expect(badPredict.status).toBe(422);
    expect(badPredict.body.message).toBe('instances[0]: expected 4 finite numbers (input shape [4])');
  }, 240_000);

  it('trains with float16 deltas (half the bytes) to the same quality, validating every round', async () => {
    const datasets = (await http.get('/datasets')).body as { id: string }[];
    const submit = await http.post('/jobs').send({
      model: blobsModel,
      compile: {
        optimizer: { className: 'adam', config: { learning_rate: 0.02 } },
        loss: 'categorical_crossentropy',
        metrics: ['accuracy'],
      },
      datasetId: datasets[0].id,
      training: { epochs: 3, batchSize: 16, partitions: 2, seed: 3, deltaEncoding: 'float16', validationDatasetId: datasets[0].id },
    });
    expect(submit.status).toBe(201);
    expect(submit.body.spec.training.deltaEncoding).toBe('float16');
    const done = await eventually(
      async () => {
        const job = (await http.get(`/jobs/${submit.body.id}`)).body as JobRecord;
        return isFinalStatus(job.status) ? job : null;
      },
      { timeoutMs: 120_000, what: 'the float16 job to finish' },
    );
    expect(done.status).toBe('succeeded');
    expect(done.history.at(-1)!.metrics.accuracy).toBeGreaterThan(0.9);
    // The averaged model of every round was evaluated on the validation dataset, on the workers.
    for (const round of done.history) expect(Object.keys(round.metrics).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    expect(done.history.at(-1)!.metrics.val_accuracy).toBeGreaterThan(0.9);
  }, 150_000);

  it('refuses a bad job with a 4xx that names the field, and stores nothing', async () => {
    const before = (await http.get('/jobs')).body.length;
    const missing = await http
      .post('/jobs')
      .send({ model: blobsModel, compile: { optimizer: 'adam', loss: 'mse' }, datasetId: 'ds-x', training: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toContain('training.epochs must be an integer number');

    const datasets = (await http.get('/datasets')).body as { id: string }[];
    const unknownLayer = await http.post('/jobs').send({
      model: {
        class_name: 'Sequential',
        config: { layers: [{ class_name: 'NoSuchLayer', config: { units: 3, batch_input_shape: [null, 4] } }] },
      },
      compile: { optimizer: 'adam', loss: 'categorical_crossentropy' },
      datasetId: datasets[0].id,
      training: { epochs: 1 },
    });
    expect(unknownLayer.status).toBe(422);
    expect(unknownLayer.body.field).toBe('model.config.layers[0].class_name');
    expect(unknownLayer.body.message).toContain('NoSuchLayer');

    const wrongOutput = await http.post('/jobs').send({
      model: {
        ...blobsModel,
        config: {
          ...blobsModel.config,
          layers: [blobsModel.config.layers[0], { class_name: 'Dense', config: { units: 2, activation: 'softmax' } }],
        },
      },
      compile: { optimizer: 'adam', loss: 'categorical_crossentropy' },
      datasetId: datasets[0].id,
      training: { epochs: 1 },
    });
    expect(wrongOutput.status).toBe(422);
    expect(wrongOutput.body.message).toBe("model: the model outputs 2 units but the dataset's labels have 3 classes");

    const badOptimizer = await http.post('/jobs').send({
      model: blobsModel,
      compile: { optimizer: 'sgdd', loss: 'categorical_crossentropy' },
      datasetId: datasets[0].id,
      training: { epochs: 1 },
    });
    expect(badOptimizer.status).toBe(422);
    expect(badOptimizer.body.field).toBe('compile.optimizer');

    const noDataset = await http.post('/jobs').send({
      model: blobsModel,
      compile: { optimizer: 'adam', loss: 'categorical_crossentropy' },
      datasetId: 'ds-missing',
      training: { epochs: 1 },
    });
    expect(noDataset.status).toBe(422);
    expect(noDataset.body.field).toBe('datasetId');

    expect((await http.get('/jobs')).body.length).toBe(before);
  }, 60_000);
});
