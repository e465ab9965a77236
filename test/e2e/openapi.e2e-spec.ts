import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { loadEnv } from '@tusk/config';
import { createDriverApp } from '../../apps/driver/src/create-app.js';
import { DriverEnv } from '../../apps/driver/src/driver-env.js';
import type { LocalNats } from '../../scripts/local-services/index.js';
import { serviceEnv, suiteNats, testS3 } from '../harness/test-env.js';

type Schema = {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  oneOf?: Schema[];
  allOf?: Schema[];
};
type Operation = {
  requestBody?: { content: Record<string, { schema?: Schema }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
};
type Doc = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

/**
 * What is wrong with a schema, as `where: problem` lines: an unresolved $ref, an object without properties
 * (free-form ones say so with additionalProperties), an array without items, anywhere inside it.
 */
function schemaProblems(doc: Doc, schema: Schema | undefined, where: string, seen = new Set<string>()): string[] {
  if (!schema) return [`${where}: no schema`];
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = doc.components.schemas[name];
    if (!target) return [`${where}: $ref ${schema.$ref} does not resolve`];
    if (seen.has(name)) return [];
    return schemaProblems(doc, target, `${where} -> ${name}`, new Set([...seen, name]));
  }
  if (schema.oneOf) return schema.oneOf.flatMap((s, i) => schemaProblems(doc, s, `${where}.oneOf[${i}]`, seen));
  if (schema.allOf) return schema.allOf.flatMap((s, i) => schemaProblems(doc, s, `${where}.allOf[${i}]`, seen));
  if (schema.type === 'array')
    return schema.items ? schemaProblems(doc, schema.items, `${where}[]`, seen) : [`${where}: array without items`];
  if (schema.type === 'object' || schema.properties) {
    const props = Object.entries(schema.properties ?? {});
    if (props.length === 0 && !schema.additionalProperties) return [`${where}: object without properties`];
    const extra =
      typeof schema.additionalProperties === 'object' ? schemaProblems(doc, schema.additionalProperties, `${where}{}`, seen) : [];
    return [...props.flatMap(([k, s]) => schemaProblems(doc, s, `${where}.${k}`, seen)), ...extra];
  }
  return [];
}

/** The top-level schema of a JSON body: an object with properties, or an array of them, or a choice of those. */
function isStructured(doc: Doc, schema: Schema | undefined): boolean {
  if (!schema) return false;
  if (schema.$ref) return isStructured(doc, doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')]);
  if (schema.oneOf) return schema.oneOf.every((s) => isStructured(doc, s));
  if (schema.type === 'array') return isStructured(doc, schema.items);
  return Object.keys(schema.properties ?? {}).length > 0;
}

describe('OpenAPI description of the driver (/api/docs-json)', () => {
  let nats: LocalNats;
  let app: INestApplication;
  let doc: Doc;
  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })),
    );

  beforeAll(async () => {
    nats = await suiteNats();
    app = await createDriverApp(loadEnv(DriverEnv, { ...serviceEnv({ natsUrl: nats.url, s3: testS3() }), TUSK_BACKEND: 'cpu' }));
    await app.init();
    const res = await request(app.getHttpServer()).get('/api/docs-json');
    expect(res.status).toBe(200);
    doc = res.body as Doc;
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await nats?.process.stop();
  });

  it('gives every request body a schema with properties, nested DTOs included', () => {
    const withBody = operations().filter(({ op }) => op.requestBody);
    expect(withBody.map((o) => o.name).sort()).toEqual([
      'POST /datasets',
      'POST /jobs',
      'POST /jobs/{id}/evaluate',
      'POST /jobs/{id}/predict',
      'POST /sweeps',
    ]);
    const problems = withBody.flatMap(({ name, op }) =>
      Object.entries(op.requestBody!.content).flatMap(([type, { schema }]) => [
        ...(isStructured(doc, schema) ? [] : [`${name} ${type}: body schema has no properties`]),
        ...schemaProblems(doc, schema, `${name} ${type}`),
      ]),
    );
    expect(problems).toEqual([]);
  });

  it('gives every 2xx response but 204 a content type and schema, structured when it is JSON', () => {
    const problems = operations().flatMap(({ name, op }) =>
      Object.entries(op.responses)
        .filter(([code]) => /^2\d\d$/.test(code) && code !== '204')
        .flatMap(([code, res]) => {
          if (!res.content || Object.keys(res.content).length === 0) return [`${name} ${code}: no content`];
          return Object.entries(res.content).flatMap(([type, { schema }]) => [
            ...(type === 'application/json' && !isStructured(doc, schema) ? [`${name} ${code}: JSON without a structured schema`] : []),
            ...schemaProblems(doc, schema, `${name} ${code} ${type}`),
          ]);
        }),
    );
    expect(problems).toEqual([]);
  });

  it('describes the nested job body (compile, training), the multipart upload and the free-form model', () => {
    const body = (path: string, type = 'application/json') => doc.paths[path].post.requestBody!.content[type].schema!;
    // An optional property with a description is wrapped as `allOf: [{ $ref }]`.
    const resolve = (s: Schema): Schema =>
      s.$ref ? doc.components.schemas[s.$ref.replace('#/components/schemas/', '')] : s.allOf?.length === 1 ? resolve(s.allOf[0]) : s;
    const job = resolve(body('/jobs'));
    expect(Object.keys(job.properties!)).toEqual(expect.arrayContaining(['name', 'model', 'compile', 'datasetId', 'training']));
    expect(job.properties!.model).toMatchObject({ type: 'object', additionalProperties: true });
    expect(Object.keys(resolve(job.properties!.training).properties!)).toEqual(
      expect.arrayContaining([
        'mode',
        'epochs',
        'batchSize',
        'roundsPerEpoch',
        'seed',
        'optimizerState',
        'lrScaling',
        'lrSchedule',
        'earlyStopping',
      ]),
    );
    const training = resolve(job.properties!.training);
    expect(training.properties!.roundsPerEpoch).toMatchObject({ type: 'integer', minimum: 1, maximum: 64, default: 1 });
    expect(Object.keys(resolve(training.properties!.lrSchedule).properties!)).toEqual(['type', 'stepEpochs', 'gamma', 'minLr']);
    expect(Object.keys(resolve(training.properties!.earlyStopping).properties!)).toEqual(['metric', 'mode', 'patience', 'minDelta']);
    expect(Object.keys(resolve(job.properties!.compile).properties!)).toEqual(expect.arrayContaining(['optimizer', 'loss', 'metrics']));
    const upload = resolve(body('/datasets', 'multipart/form-data'));
    expect(upload.properties!.file).toMatchObject({ type: 'string', format: 'binary' });
    expect(upload.properties!.format).toMatchObject({ enum: ['csv', 'npy', 'idx'] });
    const created = doc.paths['/jobs'].post.responses['201'].content!['application/json'].schema!;
    expect(Object.keys(resolve(created).properties!)).toEqual(expect.arrayContaining(['id', 'spec', 'status', 'history', 'modelReady']));
  });
});
