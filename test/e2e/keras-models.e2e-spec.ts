import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JobRecord } from '@tusk/contracts';
import { seededRandom } from '@tusk/data';
import { startInProcessDriver, type InProcessDriver } from '../harness/in-process-driver.js';
import { eventually } from '../harness/test-env.js';

const fixture = (path: string): unknown => JSON.parse(readFileSync(join(process.cwd(), 'test', 'fixtures', path), 'utf8'));

/** Gaussian blobs, one per class, in `dims` dimensions: learnable in a round. */
function blobs({ rows, dims, classes, seed }: { rows: number; dims: number; classes: number; seed: number }): string {
  const rand = seededRandom(seed);
  const lines = [[...Array.from({ length: dims }, (_, d) => `f${d}`), 'label'].join(',')];
  for (let i = 0; i < rows; i++) {
    const label = i % classes;
    const features = Array.from({ length: dims }, (_, d) => ((d % classes === label ? 2 : -1) + (rand() - 0.5)).toFixed(4));
    lines.push(`${features.join(',')},${label}`);
  }
  return lines.join('\n');
}

describe('Keras 2.x and 3.x model.to_json() submitted unchanged (driver in-process, 1 worker process)', () => {
  let driver: InProcessDriver;
  let http: InProcessDriver['http'];

  beforeAll(async () => {
    driver = await startInProcessDriver({ workers: 1 });
    http = driver.http;
  }, 120_000);

  afterAll(async () => {
    await driver?.stop();
  });

  async function upload(name: string, csv: string): Promise<string> {
    const res = await http
      .post('/datasets')
      .field('format', 'csv')
      .field('name', name)
      .field('labelColumns', 'label')
      .field('partitions', '2')
      .attach('file', Buffer.from(csv), `${name}.csv`);
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  async function trainOneRound(body: Record<string, unknown>): Promise<JobRecord> {
    const submit = await http.post('/jobs').send(body);
    expect(submit.body).toMatchObject({ status: 'queued' });
    const done = await eventually(
      async () => {
        const job = (await http.get(`/jobs/${submit.body.id}`)).body as JobRecord;
        return ['succeeded', 'failed', 'cancelled'].includes(job.status) ? job : null;
      },
      { timeoutMs: 120_000, what: `job ${body.name as string} to finish` },
    );
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('succeeded');
    expect(done.history).toHaveLength(1);
    expect(Number.isFinite(done.history[0].metrics.loss)).toBe(true);
    return done;
  }

  it('trains a Keras 3 functional model (Concatenate, Add skip) with its get_compile_config() as the compile settings', async () => {
    const { model_json: modelJson, compile_config: compile } = fixture('keras3/functional-skip.json') as {
      model_json: string;
      compile_config: Record<string, unknown>;
    };
    const datasetId = await upload('keras3-blobs', blobs({ rows: 300, dims: 6, classes: 2, seed: 4 }));
    const done = await trainOneRound({
      name: 'keras3-functional',
      model: JSON.parse(modelJson),
      compile,
      datasetId,
      training: { epochs: 1, batchSize: 16, partitions: 2, seed: 1 },
    });
    expect(done.spec.compile).toEqual({
      optimizer: { className: 'Adam', config: expect.objectContaining({ learning_rate: expect.closeTo(0.005, 6) }) },
      loss: 'categorical_crossentropy',
      metrics: ['accuracy'],
    });
    expect(done.history[0].metrics.accuracy).toBeGreaterThan(0.5);

    // The saved model.json is the converted topology, which tfjs opens: every Keras layer under its Keras name.
    const saved = (await http.get(`/jobs/${done.id}/model/model.json`).expect(200)).body as {
      modelTopology: { config: { layers: { name: string }[] } };
    };
    expect(saved.modelTopology.config.layers.map((l) => l.name)).toEqual([
      'features',
      'branch_a',
      'branch_b',
      'joined',
      'hidden',
      'skip',
      'probs',
    ]);
    expect(JSON.stringify(saved.modelTopology)).not.toContain('__keras_tensor__');
  }, 180_000);

  it('trains a Keras 2.1.6 Sequential with a Keras 2 optimizer config (legacy lr, decay 0, amsgrad false)', async () => {
    const datasetId = await upload('keras2-blobs', blobs({ rows: 300, dims: 3, classes: 3, seed: 5 }));
    const compile = {
      optimizer: { class_name: 'Adam', config: { lr: 0.01, beta_1: 0.9, beta_2: 0.999, decay: 0.0, epsilon: 1e-7, amsgrad: false } },
      loss: 'categorical_crossentropy',
      metrics: ['accuracy'],
    };
    const model = fixture('keras2/sequential-mlp-2.1.6.json');
    const done = await trainOneRound({
      name: 'keras2-sequential',
      model,
      compile,
      datasetId,
      training: { epochs: 1, batchSize: 16, partitions: 2, seed: 1 },
    });
    expect(done.spec.compile.optimizer).toEqual({ className: 'Adam', config: { lr: 0.01, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 } });
    expect(Object.keys(done.history[0].metrics).sort()).toEqual(['accuracy', 'loss']);
  }, 180_000);

  it('takes a compiled Keras 3 model alone: its to_json() carries the compile settings', async () => {
    const { model_json: modelJson } = fixture('keras3/sequential-mlp.json') as { model_json: string };
    const datasetId = await upload('keras3-mlp-blobs', blobs({ rows: 300, dims: 4, classes: 3, seed: 6 }));
    const done = await trainOneRound({
      name: 'keras3-mlp',
      model: JSON.parse(modelJson),
      datasetId,
      training: { epochs: 1, batchSize: 16, partitions: 2 },
    });
    expect(done.spec.compile).toMatchObject({
      optimizer: { className: 'Adam', config: { learning_rate: expect.closeTo(0.01, 6) } },
      loss: 'categorical_crossentropy',
    });
  }, 180_000);

  it('describes the Keras model and compile fields in the OpenAPI document', async () => {
    const docs = (await http.get('/api/docs-json').expect(200)).body as {
      components: { schemas: Record<string, { properties: Record<string, { description?: string }> }> };
    };
    expect(docs.components.schemas.CreateJobDto.properties.model.description).toContain('model.to_json()');
    expect(docs.components.schemas.CompileDto.properties.optimizer.description).toContain('"class_name": "Adam"');
  });

  it('refuses a Keras model tfjs cannot build with a 422 naming the layer and the field, storing nothing', async () => {
    const datasets = (await http.get('/datasets')).body as { id: string }[];
    const before = (await http.get('/jobs')).body.length;
    const custom = await http.post('/jobs').send({
      model: fixture('keras2/functional-autokeras-2.15.0.json'),
      compile: { optimizer: 'adam', loss: 'categorical_crossentropy' },
      datasetId: datasets[0].id,
      training: { epochs: 1 },
    });
    expect(custom.status).toBe(422);
    expect(custom.body.field).toBe('model.config.layers[1].class_name');
    expect(custom.body.message).toContain('layer cast_to_float32');

    const { model_json: modelJson, compile_config: compile } = fixture('keras3/functional-skip.json') as {
      model_json: string;
      compile_config: Record<string, unknown>;
    };
    const clipped = await http.post('/jobs').send({
      model: JSON.parse(modelJson),
      compile: { ...compile, optimizer: { class_name: 'Adam', config: { learning_rate: 0.01, clipnorm: 1 } } },
      datasetId: datasets[0].id,
      training: { epochs: 1 },
    });
    expect(clipped.status).toBe(422);
    expect(clipped.body.field).toBe('compile.optimizer.config.clipnorm');
    expect((await http.get('/jobs')).body.length).toBe(before);
  }, 60_000);
});
