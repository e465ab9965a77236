import { clone, DELETE, f32, gzip, i32, idx, jsonWithRaw, multipart, mutate, nestedArrays, nestedObjects, npy, type Part } from './bodies.js';
import type { HostileRequest } from './http.js';

export interface Ctx {
  /** The one valid dataset uploaded before the attack (4 features, int labels 0..2, 2 partitions). */
  datasetId: string;
  /** A well-formed job id that does not exist. */
  missingJobId: string;
  missingDatasetId: string;
  maxUploadBytes: number;
  /** A small valid CSV (the one uploaded), to derive broken variants from. */
  csv: string;
}

export interface Generator {
  name: string;
  /** Run one request at a time (CPU- or memory-heavy variants); the driver is given time to recover before each. */
  serial?: boolean;
  /** Known to take the driver down for good: runs last, after the state has been recorded once more. */
  fatal?: boolean;
  make(ctx: Ctx): HostileRequest[];
}

const JSON_CT = { 'content-type': 'application/json' };

/** A POST /jobs body that would be valid: every generator breaks exactly one thing in it. */
export function baseJob(ctx: Ctx): Record<string, unknown> {
  return {
    name: 'hostile',
    model: seq([dense(8, { batch_input_shape: [null, 4] }), dense(3, { activation: 'softmax' })]),
    compile: { optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] },
    datasetId: ctx.datasetId,
    training: { epochs: 1, batchSize: 8, partitions: 1 },
  };
}

const dense = (units: unknown, extra: Record<string, unknown> = {}) => ({ class_name: 'Dense', config: { units, activation: 'relu', ...extra } });
const seq = (layers: unknown[]) => ({ class_name: 'Sequential', config: { name: 'hostile', layers } });
/** A model whose only mistake is `layers`; output 2 units (< 3 classes) so even a build that passes is refused. */
const withModel = (ctx: Ctx, model: unknown) => mutate(baseJob(ctx), ['model'], model);

const jobReq = (gen: string, label: string, body: unknown, extraHeaders: Record<string, string> = {}): HostileRequest => ({
  gen, label, method: 'POST', path: '/jobs', headers: { ...JSON_CT, ...extraHeaders }, body: typeof body === 'string' ? body : JSON.stringify(body),
});

const short = (v: unknown): string => {
  const s = typeof v === 'string' ? JSON.stringify(v) : v === undefined ? 'undefined' : JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
};

// ---------------------------------------------------------------- POST /jobs: fields

type Kind = 'string' | 'int' | 'number' | 'object' | 'array' | 'enum' | 'any';
interface FieldSpec { path: string[]; kind: Kind; required?: boolean; min?: number; max?: number; clamps?: boolean; asyncOnly?: boolean }

const JOB_FIELDS: FieldSpec[] = [
  { path: ['name'], kind: 'string' },
  { path: ['model'], kind: 'object', required: true },
  { path: ['compile'], kind: 'object', required: true },
  { path: ['compile', 'optimizer'], kind: 'any', required: true },
  { path: ['compile', 'loss'], kind: 'string', required: true },
  { path: ['compile', 'metrics'], kind: 'array' },
  { path: ['compile', 'metrics', '0'], kind: 'string' },
  { path: ['datasetId'], kind: 'string', required: true },
  { path: ['training'], kind: 'object', required: true },
  { path: ['training', 'mode'], kind: 'enum' },
  { path: ['training', 'epochs'], kind: 'int', required: true, min: 1, max: 1000 },
  { path: ['training', 'batchSize'], kind: 'int', min: 1, max: 1_000_000 },
  { path: ['training', 'partitions'], kind: 'int', min: 1, max: 2 },
  { path: ['training', 'localEpochs'], kind: 'int', min: 1, clamps: true },
  { path: ['training', 'validationSplit'], kind: 'number', min: 0, max: 0.9 },
  { path: ['training', 'seed'], kind: 'int', min: 0, max: 2 ** 31 - 1 },
  { path: ['training', 'frequency'], kind: 'enum', asyncOnly: true },
  { path: ['training', 'pushEvery'], kind: 'int', min: 1, max: 1_000_000, asyncOnly: true },
  { path: ['training', 'maxStaleness'], kind: 'int', min: 0, max: 1_000_000, asyncOnly: true },
  { path: ['training', 'stalePolicy'], kind: 'enum', asyncOnly: true },
];

const WRONG_TYPES: unknown[] = ['abc', '', '1', 'NaN', 'Infinity', 12345, -1, 0.5, true, false, [], [1, 'a'], {}, { a: 1 }];

/** Would this value pass for this field (so the request could create a job)? Those are skipped. */
function acceptable(f: FieldSpec, v: unknown): boolean {
  if (f.asyncOnly) return false; // any value of an async-only field is refused in a synchronous job
  switch (f.kind) {
    case 'string': return typeof v === 'string' && f.path[0] === 'name' && v.length <= 200;
    case 'int': return typeof v === 'number' && Number.isInteger(v) && v >= (f.min ?? -Infinity) && (f.clamps || v <= (f.max ?? Infinity));
    case 'number': return typeof v === 'number' && Number.isFinite(v) && v >= (f.min ?? -Infinity) && v <= (f.max ?? Infinity);
    case 'array': return Array.isArray(v) && v.length === 0;
    default: return false;
  }
}

const jobWrongTypes: Generator = {
  name: 'jobs.wrong-types',
  make: (ctx) => JOB_FIELDS.flatMap((f) => {
    const values = [...WRONG_TYPES, ...(f.required || f.asyncOnly ? [null] : [])].filter((v) => !acceptable(f, v));
    return values.map((v) => jobReq('jobs.wrong-types', `${f.path.join('.')} = ${short(v)}`, mutate(baseJob(ctx), f.path, v)));
  }),
};

const HUGE: [string, unknown][] = [
  ['1e308', 1e308], ['-1e308', -1e308], ['2**53+1', 2 ** 53 + 1], ['-(2**53+1)', -(2 ** 53 + 1)], ['-0', -0], ['0', 0], ['-1', -1],
  ['1.5', 1.5], ['1e-308', 1e-308], ['2**31', 2 ** 31], ['2**32+1', 2 ** 32 + 1], ['"NaN"', 'NaN'], ['"Infinity"', 'Infinity'], ['"-Infinity"', '-Infinity'], ['"1e3"', '1e3'],
];
const RAW_NUMBERS = ['NaN', 'Infinity', '-Infinity', '1e400', '-1e400', '123456789012345678901234567890', '0x10', '1_000', '.5', '01', '+1'];

const jobNumbers: Generator = {
  name: 'jobs.huge-numbers',
  make: (ctx) => {
    const out: HostileRequest[] = [];
    for (const f of JOB_FIELDS.filter((x) => x.kind === 'int' || x.kind === 'number')) {
      for (const [label, v] of HUGE) {
        // -0 serialises as 0; both are kept only where 0 is refused.
        if (acceptable(f, v)) continue;
        out.push(jobReq('jobs.huge-numbers', `${f.path.join('.')} = ${label}`, mutate(baseJob(ctx), f.path, v)));
      }
      // Tokens JSON does not allow, or that parse to Infinity / lose precision.
      for (const raw of RAW_NUMBERS) {
        if (f.clamps && raw === '123456789012345678901234567890') continue; // an integer, clamped to epochs: valid
        out.push(jobReq('jobs.huge-numbers', `${f.path.join('.')} = raw ${raw}`, jsonWithRaw(mutate(baseJob(ctx), f.path, '@@RAW@@'), { '@@RAW@@': raw })));
      }
    }
    // -0 spelled literally (JSON.stringify(-0) is "0").
    for (const p of [['training', 'epochs'], ['training', 'batchSize'], ['training', 'partitions']]) {
      out.push(jobReq('jobs.huge-numbers', `${p.join('.')} = raw -0`, jsonWithRaw(mutate(baseJob(ctx), p, '@@RAW@@'), { '@@RAW@@': '-0' })));
    }
    // Async mode, numeric async fields out of range.
    for (const [field, v] of [['pushEvery', 0], ['pushEvery', 1e308], ['maxStaleness', -1], ['maxStaleness', 2 ** 53 + 1], ['pushEvery', 2 ** 31]] as const) {
      const body = mutate(mutate(baseJob(ctx), ['training', 'mode'], 'asynchronous'), ['training', field], v);
      out.push(jobReq('jobs.huge-numbers', `asynchronous training.${field} = ${v}`, body));
    }
    return out;
  },
};

const REQUIRED_PATHS = [['model'], ['compile'], ['compile', 'optimizer'], ['compile', 'loss'], ['datasetId'], ['training'], ['training', 'epochs']];

const jobMissing: Generator = {
  name: 'jobs.missing-fields',
  make: (ctx) => [
    ...REQUIRED_PATHS.map((p) => jobReq('jobs.missing-fields', `without ${p.join('.')}`, mutate(baseJob(ctx), p, DELETE))),
    ...REQUIRED_PATHS.map((p) => jobReq('jobs.missing-fields', `${p.join('.')} = undefined-ish ""`, mutate(baseJob(ctx), p, ''))),
    jobReq('jobs.missing-fields', 'empty object', {}),
    jobReq('jobs.missing-fields', 'only datasetId', { datasetId: ctx.datasetId }),
    jobReq('jobs.missing-fields', 'array body', [baseJob(ctx)]),
    jobReq('jobs.missing-fields', 'empty array body', '[]'),
    jobReq('jobs.missing-fields', 'null body', 'null'),
    jobReq('jobs.missing-fields', 'string body', '"job"'),
    jobReq('jobs.missing-fields', 'number body', '42'),
    jobReq('jobs.missing-fields', 'true body', 'true'),
    jobReq('jobs.missing-fields', 'empty body', ''),
  ],
};

const EXTRA_KEYS = ['__proto__', 'constructor', 'prototype', 'extra', 'isAdmin', 'toString', 'hasOwnProperty', '$where', 'id', 'status'];
const EXTRA_VALUES: unknown[] = [{ polluted: true }, { epochs: 2, mode: 'hogwild' }, 'x', 1];

const jobExtra: Generator = {
  name: 'jobs.extra-fields',
  make: (ctx) => {
    const out: HostileRequest[] = [];
    for (const where of [[], ['compile'], ['training']] as string[][]) {
      for (const key of EXTRA_KEYS) {
        for (const v of key.startsWith('__') || key === 'constructor' ? EXTRA_VALUES : [EXTRA_VALUES[0]]) {
          out.push(jobReq('jobs.extra-fields', `${[...where, key].join('.')} = ${short(v)}`, mutate(baseJob(ctx), [...where, key], v)));
        }
      }
    }
    // Prototype keys that would supply a required field the body leaves out.
    out.push(jobReq('jobs.extra-fields', 'training.__proto__ supplies epochs', mutate(mutate(baseJob(ctx), ['training', 'epochs'], DELETE), ['training', '__proto__'], { epochs: 1 })));
    out.push(jobReq('jobs.extra-fields', '__proto__ supplies training', mutate(mutate(baseJob(ctx), ['training'], DELETE), ['__proto__'], { training: { epochs: 1 } })));
    out.push(jobReq('jobs.extra-fields', 'constructor.prototype pollution', mutate(baseJob(ctx), ['constructor'], { prototype: { polluted: true } })));
    // Duplicate keys: JSON.parse keeps the last one.
    const dup = JSON.stringify(baseJob(ctx)).replace(/^\{/, '{"datasetId":"ds-first",').replace(`"datasetId":"${ctx.datasetId}"`, '"datasetId":"../../etc"');
    out.push(jobReq('jobs.extra-fields', 'duplicate datasetId, last invalid', dup));
    return out;
  },
};

// ---------------------------------------------------------------- POST /jobs: compile

const PROTO_NAMES = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__defineGetter__', 'toLocaleString'];

const jobCompile: Generator = {
  name: 'jobs.compile',
  make: (ctx) => {
    const b = baseJob(ctx);
    const out: HostileRequest[] = [];
    const add = (label: string, path: string[], v: unknown) => out.push(jobReq('jobs.compile', `${path.join('.')} = ${label}`, mutate(b, path, v)));
    for (const name of ['adamw', 'Adam2', 'nadam', 'ftrl', '', ' adam', 'adam\u0000', 'x'.repeat(10_000), ...PROTO_NAMES]) add(short(name), ['compile', 'optimizer'], name);
    for (const name of PROTO_NAMES) add(`{className: ${short(name)}}`, ['compile', 'optimizer'], { className: name });
    add('{className: {}}', ['compile', 'optimizer'], { className: {} });
    add('{className: null}', ['compile', 'optimizer'], { className: null });
    add('{className: ["adam"]}', ['compile', 'optimizer'], { className: ['adam'] });
    add('{className: adam, config: "abc"}', ['compile', 'optimizer'], { className: 'adam', config: 'abc' });
    add('{className: adam, config: {lr: "0.1"}}', ['compile', 'optimizer'], { className: 'adam', config: { learning_rate: '0.1' } });
    add('{className: adam, config: {lr: {}}}', ['compile', 'optimizer'], { className: 'adam', config: { learning_rate: {} } });
    add('{className: adam, config: {lr: null}}', ['compile', 'optimizer'], { className: 'adam', config: { learning_rate: null } });
    add('{className: adam, config.__proto__}', ['compile', 'optimizer'], mutate({ className: 'adam', config: {} }, ['config', '__proto__'], { polluted: 'yes' }));
    for (const loss of ['foo', 'Categorical_Crossentropy', '', 'categoricalCrossentropy ', 'l'.repeat(101), ...PROTO_NAMES]) add(short(loss), ['compile', 'loss'], loss);
    for (const m of ['foo', 'AUC', 'precision', '', ...PROTO_NAMES]) add(`[${short(m)}]`, ['compile', 'metrics'], [m]);
    add('["accuracy","foo"]', ['compile', 'metrics'], ['accuracy', 'foo']);
    add('17 metrics', ['compile', 'metrics'], Array.from({ length: 17 }, () => 'accuracy'));
    add('[null]', ['compile', 'metrics'], [null]);
    add('[["accuracy"]]', ['compile', 'metrics'], [['accuracy']]);
    add('{0:"accuracy"}', ['compile', 'metrics'], { 0: 'accuracy' });
    return out;
  },
};

// ---------------------------------------------------------------- POST /jobs: models

const LAYER_CLASSES = ['Foo', 'dense', 'Lambda', 'TFOpLambda', 'Function', 'eval', 'require', 'process', 'Dense\u0000', '../Dense', '', ...PROTO_NAMES];

const jobModels: Generator = {
  name: 'jobs.models',
  make: (ctx) => {
    const out: HostileRequest[] = [];
    const add = (label: string, model: unknown, job = baseJob(ctx)) => out.push(jobReq('jobs.models', label, mutate(job, ['model'], model)));
    for (const cls of LAYER_CLASSES) {
      add(`unknown layer ${short(cls)}`, seq([{ class_name: cls, config: { units: 3, batch_input_shape: [null, 4] } }]));
      add(`unknown layer ${short(cls)} in the middle`, seq([dense(8, { batch_input_shape: [null, 4] }), { class_name: cls, config: {} }, dense(3, { activation: 'softmax' })]));
    }
    for (const cls of ['Sequential2', 'Model', 'Functional', 'Graph', '', null, 5, ...PROTO_NAMES]) {
      add(`model class_name ${short(cls)}`, { class_name: cls, config: { layers: [dense(3, { batch_input_shape: [null, 4] })] } });
    }
    const shapes: [string, unknown[]][] = [
      ['model {}', [{}]], ['no config', [{ class_name: 'Sequential' }]], ['config null', [{ class_name: 'Sequential', config: null }]],
      ['layers null', [seq(null as unknown as unknown[])]], ['layers "abc"', [seq('abc' as unknown as unknown[])]], ['layers []', [seq([])]],
      ['layers [null]', [seq([null])]], ['layers [5]', [seq([5])]], ['layers [{}]', [seq([{}])]], ['layers [[]]', [seq([[]])]],
      ['modelTopology {}', [{ modelTopology: {} }]], ['modelTopology "x"', [{ modelTopology: 'x' }]], ['modelTopology empty Sequential', [{ modelTopology: seq([]) }]],
      ['Dense without units', [seq([{ class_name: 'Dense', config: { batch_input_shape: [null, 4] } }])]],
      ['activation eval', [seq([dense(3, { batch_input_shape: [null, 4], activation: 'eval' })])]],
      ['activation constructor', [seq([dense(3, { batch_input_shape: [null, 4], activation: 'constructor' })])]],
      ['activation __proto__', [seq([dense(3, { batch_input_shape: [null, 4], activation: '__proto__' })])]],
      ['kernel_initializer Foo', [seq([dense(3, { batch_input_shape: [null, 4], activation: 'softmax', kernel_initializer: { class_name: 'Foo', config: {} } })])]],
      ['kernel_initializer constructor', [seq([dense(3, { batch_input_shape: [null, 4], activation: 'softmax', kernel_initializer: { class_name: 'constructor', config: {} } })])]],
      ['kernel_regularizer Foo', [seq([dense(3, { batch_input_shape: [null, 4], activation: 'softmax', kernel_regularizer: { class_name: 'Foo', config: {} } })])]],
      ['dtype "string"', [seq([dense(3, { batch_input_shape: [null, 4], activation: 'softmax', dtype: 'string' })])]],
      ['two inputs (Functional)', [{
        class_name: 'Functional', config: {
          name: 'two', layers: [
            { class_name: 'InputLayer', name: 'a', config: { batch_input_shape: [null, 2], name: 'a' }, inbound_nodes: [] },
            { class_name: 'InputLayer', name: 'b', config: { batch_input_shape: [null, 2], name: 'b' }, inbound_nodes: [] },
            { class_name: 'Concatenate', name: 'c', config: { name: 'c' }, inbound_nodes: [[['a', 0, 0, {}], ['b', 0, 0, {}]]] },
            { class_name: 'Dense', name: 'o', config: { name: 'o', units: 3, activation: 'softmax' }, inbound_nodes: [[['c', 0, 0, {}]]] },
          ], input_layers: [['a', 0, 0], ['b', 0, 0]], output_layers: [['o', 0, 0]],
        },
      }]],
    ];
    for (const [label, [model]] of shapes) add(label, model);
    // Input shape against the features (4 floats per row).
    for (const shape of [[5], [3], [0], [-1], [null], ['4'], [4.5], [], [4, 0], [2, 3], [1, 1, 1, 1, 5], 'abc', null]) {
      add(`input shape ${short(shape)}`, seq([dense(3, { batch_input_shape: shape === null || typeof shape === 'string' ? shape : [null, ...shape], activation: 'softmax' })]));
    }
    // Output units against the labels (int classes 0..2).
    for (const units of [2, 1, 0, -1, 1.5, '3', null, [3], 1e308]) {
      add(`output units ${short(units)}`, seq([dense(8, { batch_input_shape: [null, 4] }), dense(units, { activation: 'softmax' })]));
    }
    // Labels of the wrong kind for the loss.
    for (const [loss, units] of [['meanSquaredError', 3], ['binaryCrossentropy', 3], ['hinge', 2], ['poisson', 3], ['categoricalHinge', 2], ['sparseCategoricalCrossentropy', 2], ['cosineProximity', 3], ['logcosh', 2]] as const) {
      const job = mutate(baseJob(ctx), ['compile', 'loss'], loss);
      add(`loss ${loss} with ${units} output units`, seq([dense(8, { batch_input_shape: [null, 4] }), dense(units, { activation: 'softmax' })]), job as Record<string, unknown>);
    }
    return out;
  },
};

/** Models far over TUSK_MAX_PARAMS, or absurdly deep: each must be refused fast, without allocating. */
const jobHeavyModels: Generator = {
  name: 'jobs.heavy-models',
  serial: true,
  make: (ctx) => {
    const big: [string, unknown][] = [
      ['Dense 100000 on input 100000 (1e10 params)', seq([dense(100_000, { batch_input_shape: [null, 100_000] }), dense(3)])],
      ['Dense 100000 -> Dense 100000 on input 4 (1e10 params)', seq([dense(100_000, { batch_input_shape: [null, 4] }), dense(100_000), dense(3)])],
      ['Dense 2**31 on input 4', seq([dense(2 ** 31, { batch_input_shape: [null, 4] }), dense(3)])],
      // Sizes V8 can allocate (below 2**32 elements) but far over TUSK_MAX_PARAMS (5e7). Kept at a few GB:
      // a 3e9-parameter variant made the driver fill a 12 GB array (killed at 8 GB RSS while probing).
      ['Dense 3 on input 2e8 (6e8 params, 2.4 GB)', seq([dense(3, { batch_input_shape: [null, 2e8] })])],
      ['Embedding 1e9 x 100', seq([{ class_name: 'Embedding', config: { input_dim: 1e9, output_dim: 100, batch_input_shape: [null, 4] } }, { class_name: 'Flatten', config: {} }, dense(3)])],
      ['Conv2D 100000 filters on [1000,1000,100]', seq([{ class_name: 'Conv2D', config: { filters: 100_000, kernel_size: [3, 3], batch_input_shape: [null, 1000, 1000, 100] } }, { class_name: 'Flatten', config: {} }, dense(3)])],
      ['LSTM 100000 units', seq([{ class_name: 'LSTM', config: { units: 100_000, batch_input_shape: [null, 2, 2] } }, dense(3)])],
      ['Dense 20000 on input 20000 (4e8 params, 1.6 GB)', seq([dense(20_000, { batch_input_shape: [null, 20_000] }), dense(3)])],
      ['Dense 20000 -> 20000 on input 4 (4e8 params)', seq([dense(20_000, { batch_input_shape: [null, 4] }), dense(20_000), dense(3)])],
      ['Dense 8000 -> 8000 on input 4 (6.4e7 params, just over the limit)', seq([dense(8000, { batch_input_shape: [null, 4] }), dense(8000), dense(3)])],
    ];
    const out: HostileRequest[] = big.map(([label, model]) => jobReq('jobs.heavy-models', label, withModel(ctx, model)));
    // Layers nested absurdly (every variant ends in 2 units, fewer than the 3 classes).
    let nestedSeq: unknown = dense(2, { batch_input_shape: [null, 4], activation: 'softmax' });
    for (let i = 0; i < 1000; i++) nestedSeq = seq([nestedSeq]);
    out.push(jobReq('jobs.heavy-models', 'Sequential nested 1000 deep', withModel(ctx, nestedSeq)));
    let td: unknown = dense(2, { activation: 'softmax' });
    for (let i = 0; i < 2000; i++) td = { class_name: 'TimeDistributed', config: { layer: td } };
    out.push(jobReq('jobs.heavy-models', 'TimeDistributed nested 2000 deep', withModel(ctx, seq([{ ...(td as object), config: { ...(td as { config: object }).config, batch_input_shape: [null, 2, 2] } }]))));
    let bi: unknown = { class_name: 'LSTM', config: { units: 2 } };
    for (let i = 0; i < 500; i++) bi = { class_name: 'Bidirectional', config: { layer: bi } };
    out.push(jobReq('jobs.heavy-models', 'Bidirectional nested 500 deep', withModel(ctx, seq([{ ...(bi as object), config: { ...(bi as { config: object }).config, batch_input_shape: [null, 2, 2] } }]))));
    const chain = [dense(1, { batch_input_shape: [null, 4] }), ...Array.from({ length: 9_998 }, () => dense(1)), dense(2, { activation: 'softmax' })];
    out.push(jobReq('jobs.heavy-models', '10000 Dense(1) layers in a chain', withModel(ctx, seq(chain))));
    out.push(jobReq('jobs.heavy-models', 'model nested 10000 levels (plain objects)', jsonWithRaw(withModel(ctx, '@@N@@'), { '@@N@@': nestedObjects(10_000) })));
    out.push(jobReq('jobs.heavy-models', 'model nested 100000 levels (plain objects)', jsonWithRaw(withModel(ctx, '@@N@@'), { '@@N@@': nestedObjects(100_000) })));
    out.push(jobReq('jobs.heavy-models', 'model.config.layers nested 10000 levels of arrays', jsonWithRaw(withModel(ctx, { class_name: 'Sequential', config: { layers: '@@N@@' } }), { '@@N@@': nestedArrays(10_000) })));
    return out;
  },
};

const jobNesting: Generator = {
  name: 'jobs.deep-json',
  make: (ctx) => {
    const out: HostileRequest[] = [];
    for (const path of [['name'], ['compile'], ['compile', 'optimizer'], ['compile', 'metrics'], ['training'], ['training', 'epochs'], ['datasetId'], ['extra']]) {
      for (const [label, raw] of [['10k objects', nestedObjects(10_000)], ['10k arrays', nestedArrays(10_000)], ['50k arrays', nestedArrays(50_000)]] as const) {
        out.push(jobReq('jobs.deep-json', `${path.join('.')} = ${label}`, jsonWithRaw(mutate(baseJob(ctx), path, '@@N@@'), { '@@N@@': raw })));
      }
    }
    out.push(jobReq('jobs.deep-json', 'whole body 10k arrays', nestedArrays(10_000)));
    out.push(jobReq('jobs.deep-json', 'whole body 10k objects', nestedObjects(10_000)));
    out.push(jobReq('jobs.deep-json', 'whole body 200k arrays (400 KB)', nestedArrays(200_000)));
    return out;
  },
};

// ---------------------------------------------------------------- bodies, content types, sizes

const jobBodies: Generator = {
  name: 'jobs.bodies',
  make: (ctx) => {
    const valid = JSON.stringify(baseJob(ctx));
    const g = 'jobs.bodies';
    const out: HostileRequest[] = [];
    for (const text of ['{', '{"a":}', "{'a':1}", 'NaN', '{"training": NaN}', '{"a":1,}', '/* c */ {}', '}{', '{"a":"\\u12"}', '{"a":"\x01"}', 'undefined', '\u0000', '{"a":1}{"b":2}', '{"a":1e99999999999}']) {
      out.push(jobReq(g, `invalid JSON ${short(text)}`, text));
    }
    for (const cut of [1, 10, 50, 100, 200, valid.length - 1]) out.push(jobReq(g, `valid job truncated at ${cut}`, valid.slice(0, cut)));
    const ct = (label: string, headers: Record<string, string>, body: string | Buffer = valid) =>
      out.push({ gen: g, label, method: 'POST', path: '/jobs', headers, body });
    // A valid job under the wrong content type must not be parsed as one.
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'text/html', 'application/octet-stream', 'application/jsonp', 'application/json-patch+json', 'image/png', '*/*', 'application']) {
      ct(`valid job as ${type}`, { 'content-type': type });
    }
    ct('valid job without content type', {});
    ct('valid job as multipart/form-data (no boundary)', { 'content-type': 'multipart/form-data' });
    const mp = multipart([{ name: 'datasetId', value: ctx.datasetId }, { name: 'model', value: JSON.stringify(baseJob(ctx).model) }]);
    ct('job fields as multipart', { 'content-type': mp.contentType }, mp.body);
    ct('urlencoded job fields', { 'content-type': 'application/x-www-form-urlencoded' }, `datasetId=${ctx.datasetId}&training[epochs]=1&model[class_name]=Sequential`);
    // UTF-16 is a charset body-parser decodes: the job is made invalid (epochs 0) so only a 400 is right.
    ct('application/json; charset=utf-16, epochs 0', { 'content-type': 'application/json; charset=utf-16' }, Buffer.from(JSON.stringify(mutate(baseJob(ctx), ['training', 'epochs'], 0)), 'utf16le'));
    ct('application/json; charset=latin1', { 'content-type': 'application/json; charset=latin1' });
    ct('application/json; charset=ebcdic', { 'content-type': 'application/json; charset=ebcdic' });
    ct('json with utf-8 BOM + invalid utf-8', JSON_CT, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf, 0xff, 0xfe]), Buffer.from(valid)]));
    ct('content-encoding gzip, garbage', { ...JSON_CT, 'content-encoding': 'gzip' }, Buffer.from('not gzip at all'));
    ct('content-encoding deflate, garbage', { ...JSON_CT, 'content-encoding': 'deflate' }, Buffer.from('not deflate'));
    ct('content-encoding br, garbage', { ...JSON_CT, 'content-encoding': 'br' }, Buffer.from('not brotli'));
    ct('content-encoding compress', { ...JSON_CT, 'content-encoding': 'compress' });
    ct('content-encoding x-unknown', { ...JSON_CT, 'content-encoding': 'x-unknown' });
    ct('gzip bomb: 64 MB of spaces inflated (limit 1 MiB)', { ...JSON_CT, 'content-encoding': 'gzip' }, Buffer.from(gzip(' '.repeat(64 * 1024 * 1024))));
    ct('gzip of invalid JSON', { ...JSON_CT, 'content-encoding': 'gzip' }, Buffer.from(gzip('{nope')));
    // Oversized: > 1 MiB of JSON must be refused with 413 before it is parsed.
    const pad = (bytes: number) => JSON.stringify(mutate(baseJob(ctx), ['name'], 'x'.repeat(bytes)));
    ct('1 MiB + 1 KB body (name padding)', JSON_CT, pad(1024 * 1024 + 1024));
    ct('4 MiB body', JSON_CT, pad(4 * 1024 * 1024));
    ct('16 MiB body', JSON_CT, pad(16 * 1024 * 1024));
    ct('1.5 MiB array of numbers', JSON_CT, JSON.stringify(mutate(baseJob(ctx), ['compile', 'metrics'], Array.from({ length: 400_000 }, () => 1))));
    ct('1.5 MiB body, chunked (no content-length)', { ...JSON_CT, 'transfer-encoding': 'chunked' }, pad(1536 * 1024));
    ct('900 KB name (under the body limit, over MaxLength)', JSON_CT, pad(900 * 1024));
    ct('content-length smaller than body', { ...JSON_CT, 'content-length': '10' }, valid);
    out.push({ gen: g, label: 'content-length not a number', method: 'POST', path: '/jobs', headers: { ...JSON_CT, 'content-length': 'abc' }, body: valid, allowNonJson: true });
    return out;
  },
};

// ---------------------------------------------------------------- POST /datasets (JSON)

const baseDatasetJson = { name: 'hostile', format: 'csv', labelColumns: ['label'], partitions: 2, seed: 1, source: { file: 'no-such-object.csv' } };

const DATASET_FIELDS: [string[], unknown[]][] = [
  [['name'], [12345, true, [], {}, 'n'.repeat(201)]],
  [['format'], ['xml', 'CSV', '', 'csv ', 12345, true, null, [], ['csv'], {}, '__proto__', 'constructor']],
  [['labelColumns'], [12345, true, [1], [null], [{}], {}, [[]]]],
  [['featureColumns'], [12345, true, [1], [null], {}]],
  [['partitions'], [0, -1, 1025, 1e308, 2 ** 53 + 1, 1.5, 'abc', 'NaN', 'Infinity', '', [], {}, [1, 2]]],
  [['seed'], [-1, 2 ** 31, 1e308, 1.5, 'abc', 'NaN', '-Infinity', {}, [1, 2]]],
  [['scale'], [0, -1, 'abc', 'NaN', 'Infinity', -1e308, {}, [1, 2], '']],
  [['source'], ['abc', 12345, true, [], ['a.csv'], null]],
  [['source', 'file'], [12345, true, {}, [], ['a.csv'], { $gt: '' }, null]],
];
const TRAVERSAL_KEYS = [
  '../x.csv', '../../etc/passwd', 'datasets/../../etc/passwd', '/etc/passwd', '..', '.', './../x', '..\\..\\x', '%2e%2e/%2e%2e/etc/passwd', '..%2f..%2fetc%2fpasswd',
  '....//....//etc/passwd', 'a/\u0000/b', '\u0000', 'x'.repeat(513), '', ' ', 'a b.csv', 'é.csv', '\u202e.csv', 'file:///etc/passwd', 'http://169.254.169.254/latest', '?list-type=2', '#frag',
  'tusk/../other-bucket/x', '/', '//', '*', '\n', 'CON', 'datasets//manifest.json',
];

const datasetJson: Generator = {
  name: 'datasets.json',
  make: (ctx) => {
    const g = 'datasets.json';
    const post = (label: string, body: unknown): HostileRequest => ({ gen: g, label, method: 'POST', path: '/datasets', headers: JSON_CT, body: typeof body === 'string' ? body : JSON.stringify(body) });
    const out: HostileRequest[] = [];
    for (const [path, values] of DATASET_FIELDS) for (const v of values) out.push(post(`${path.join('.')} = ${short(v)}`, mutate(baseDatasetJson, path, v)));
    for (const key of TRAVERSAL_KEYS) {
      for (const role of ['file', 'labels']) out.push(post(`source.${role} = ${short(key)}`, mutate(baseDatasetJson, ['source', role], key)));
    }
    for (const role of ['features', 'images']) out.push(post(`npy source.${role} traversal`, { format: role === 'features' ? 'npy' : 'idx', source: { [role]: '../../x', labels: '../../y' } }));
    out.push(post('source = existing manifest as CSV', mutate(baseDatasetJson, ['source', 'file'], `datasets/${ctx.datasetId}/manifest.json`)));
    out.push(post('source = existing partition as CSV', mutate(baseDatasetJson, ['source', 'file'], `datasets/${ctx.datasetId}/part-0.bin`)));
    out.push(post('source = existing partition as IDX', { format: 'idx', source: { images: `datasets/${ctx.datasetId}/part-0.bin`, labels: `datasets/${ctx.datasetId}/part-1.bin` } }));
    out.push(post('source = existing partition as NPY', { format: 'npy', source: { features: `datasets/${ctx.datasetId}/part-0.bin`, labels: `datasets/${ctx.datasetId}/manifest.json` } }));
    out.push(post('source with unknown role', mutate(baseDatasetJson, ['source'], { evil: '../../etc/passwd' })));
    out.push(post('source.__proto__ = {file}', mutate(baseDatasetJson, ['source'], mutate({}, ['__proto__'], { file: '../../etc/passwd' }))));
    out.push(post('source.constructor', mutate(baseDatasetJson, ['source', 'constructor'], { file: 'x' })));
    out.push(post('source empty object', mutate(baseDatasetJson, ['source'], {})));
    for (const p of [['format'], ['source']]) out.push(post(`without ${p.join('.')}`, mutate(baseDatasetJson, p, DELETE)));
    out.push(post('no source, no files', mutate(baseDatasetJson, ['source'], DELETE)));
    for (const key of ['__proto__', 'constructor', 'extra', 'id', 'parts']) out.push(post(`extra key ${key}`, mutate(baseDatasetJson, [key], { polluted: true })));
    out.push(post('empty object', {}));
    out.push(post('array body', [baseDatasetJson]));
    out.push(post('invalid JSON', '{"format":'));
    out.push(post('source nested 10k', jsonWithRaw(mutate(baseDatasetJson, ['source'], '@@N@@'), { '@@N@@': nestedObjects(10_000) })));
    out.push(post('labelColumns 10k nested arrays', jsonWithRaw(mutate(baseDatasetJson, ['labelColumns'], '@@N@@'), { '@@N@@': nestedArrays(10_000, '"label"') })));
    out.push(post('1.5 MiB JSON', JSON.stringify(mutate(baseDatasetJson, ['name'], 'n'.repeat(1536 * 1024)))));
    return out;
  },
};

// ---------------------------------------------------------------- POST /datasets (multipart uploads)

function upload(gen: string, label: string, parts: Part[], opts: { boundary?: string; mangle?: (b: Buffer) => Buffer; contentType?: string } = {}): HostileRequest {
  const { body, contentType } = multipart(parts, opts.boundary);
  return { gen, label, method: 'POST', path: '/datasets', headers: { 'content-type': opts.contentType ?? contentType }, body: opts.mangle ? opts.mangle(body) : body };
}
const csvParts = (csv: string | Uint8Array, extra: Part[] = [], labelColumns: string | null = 'label'): Part[] => [
  { name: 'format', value: 'csv' }, ...(labelColumns === null ? [] : [{ name: 'labelColumns', value: labelColumns }]), ...extra, { name: 'file', value: csv, filename: 'data.csv', contentType: 'text/csv' },
];

const uploadsCsv: Generator = {
  name: 'datasets.csv-uploads',
  make: (ctx) => {
    const g = 'datasets.csv-uploads';
    const lines = ctx.csv.split('\n');
    const header = lines[0];
    const rows = lines.slice(1, 20);
    const csv = (...l: string[]) => l.join('\n');
    const out: HostileRequest[] = [];
    const bad: [string, string | Uint8Array, string | null][] = [
      ['empty file', '', 'label'],
      ['header only', header, 'label'],
      ['header truncated mid-name', 'f0,f1,f', 'label'],
      ['no header (numbers as names)', csv(...rows), 'label'],
      ['label column missing', csv(header, ...rows), 'nope'],
      ['labelColumns empty', csv(header, ...rows), ''],
      ['labelColumns = " , "', csv(header, ...rows), ' , '],
      ['labelColumns absent', csv(header, ...rows), null],
      ['label listed twice', csv(header, ...rows), 'label,label'],
      ['every column a label', csv(header, ...rows), 'f0,f1,f2,f3,label'],
      ['labelColumns __proto__', csv(header, ...rows), '__proto__'],
      ['labelColumns constructor', csv(header, ...rows), 'constructor'],
      ['row with a missing field', csv(header, ...rows, '1,2,3,0'), 'label'],
      ['row with an extra field', csv(header, ...rows, '1,2,3,4,0,9'), 'label'],
      ['NaN value', csv(header, ...rows, 'NaN,1,2,3,0'), 'label'],
      ['Infinity value', csv(header, ...rows, 'Infinity,1,2,3,0'), 'label'],
      ['value out of float32 range', csv(header, ...rows, '1e39,1,2,3,0'), 'label'],
      ['text value', csv(header, ...rows, 'abc,1,2,3,0'), 'label'],
      ['hex value', csv(header, ...rows, '0x10,1,2,3,0'), 'label'],
      ['empty value', csv(header, ...rows, ',1,2,3,0'), 'label'],
      ['unclosed quote', csv(header, ...rows, '"1,2,3,4,0'), 'label'],
      ['quote inside field', csv(header, ...rows, '1"2,2,3,4,0'), 'label'],
      ['text after closing quote', csv(header, ...rows, '"1"x,2,3,4,0'), 'label'],
      ['duplicate header', csv('f0,f0,f2,f3,label', ...rows), 'label'],
      ['empty header name', csv('f0,,f2,f3,label', ...rows), 'label'],
      ['only the label column', csv('label', '0', '1', '2'), 'label'],
      ['invalid UTF-8', Buffer.concat([Buffer.from(header + '\n'), Buffer.from([0xff, 0xfe, 0xfd]), Buffer.from(',1,2,3,0')]), 'label'],
      ['UTF-16 text', Buffer.from(csv(header, ...rows), 'utf16le'), 'label'],
      ['binary garbage', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)), 'label'],
      ['NUL bytes', Buffer.alloc(4096), 'label'],
      ['gzip magic, corrupt stream', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3, 4, 5, 6, 7, 8]), 'label'],
      ['gzip truncated', gzip(csv(header, ...rows)).subarray(0, 30), 'label'],
      ['gzip of binary garbage', gzip(Buffer.alloc(1000, 0xff)), 'label'],
      ['gzip bomb: 60 MB of NULs (upload < 64 KiB)', gzip(Buffer.alloc(60 * 1024 * 1024)), 'label'],
      ['gzip bomb: header + 60 MB of commas', gzip(header + '\n' + ','.repeat(60 * 1024 * 1024)), 'label'],
      ['one row, 50k columns, last value text', csv(Array.from({ length: 50_000 }, (_, i) => `c${i}`).join(','), [...Array.from({ length: 49_999 }, () => '1'), 'x'].join(',')), 'c0'],
    ];
    for (const [label, file, labelColumns] of bad) out.push(upload(g, label, csvParts(file, [], labelColumns)));
    const good = csv(header, ...rows);
    const fields: [string, Part[]][] = [
      ['format missing', []], ['format xml', [{ name: 'format', value: 'xml' }]], ['format npy with a csv file', [{ name: 'format', value: 'npy' }]],
      ['partitions 0', [{ name: 'partitions', value: '0' }]], ['partitions 1025', [{ name: 'partitions', value: '1025' }]], ['partitions abc', [{ name: 'partitions', value: 'abc' }]],
      ['partitions 1e308', [{ name: 'partitions', value: '1e308' }]], ['partitions -0.5', [{ name: 'partitions', value: '-0.5' }]], ['seed -1', [{ name: 'seed', value: '-1' }]],
      ['seed 99999999999', [{ name: 'seed', value: '99999999999' }]], ['scale 0', [{ name: 'scale', value: '0' }]], ['scale NaN', [{ name: 'scale', value: 'NaN' }]],
      ['extra field evil', [{ name: 'evil', value: '1' }]], ['extra field __proto__', [{ name: '__proto__', value: 'x' }]], ['extra field constructor', [{ name: 'constructor', value: 'x' }]],
      ['field __proto__[polluted]', [{ name: '__proto__[polluted]', value: 'x' }]], ['field constructor[prototype][x]', [{ name: 'constructor[prototype][x]', value: 'x' }]],
      ['source[file] traversal next to a file', [{ name: 'source[file]', value: '../../etc/passwd' }]], ['source as a string field', [{ name: 'source', value: '{"file":"../x"}' }]],
      ['name 201 chars', [{ name: 'name', value: 'n'.repeat(201) }]], ['partitions[] array', [{ name: 'partitions[]', value: '1' }, { name: 'partitions[]', value: '2' }]],
      ['labelColumns[99999] sparse index', [{ name: 'labelColumns[99999]', value: 'nope' }]], ['25 fields (limit 20)', Array.from({ length: 25 }, (_, i) => ({ name: `f${i}`, value: 'x' }))],
      ['field value 2 MB', [{ name: 'name', value: 'n'.repeat(2 * 1024 * 1024) }]], ['field name 10 KB', [{ name: 'k'.repeat(10_000), value: 'x' }]],
    ];
    for (const [label, extra] of fields) {
      const base = label.startsWith('format') ? csvParts(good, extra).filter((p) => p.name !== 'format' || extra.includes(p)) : csvParts(good, extra);
      out.push(upload(g, label, base));
    }
    const file = (name: string, value: string | Uint8Array = good): Part => ({ name, value, filename: 'x.csv' });
    const meta: Part[] = [{ name: 'format', value: 'csv' }, { name: 'labelColumns', value: 'label' }];
    out.push(upload(g, 'file in field "features"', [...meta, file('features')]));
    out.push(upload(g, 'file in unexpected field "evil"', [...meta, file('evil')]));
    out.push(upload(g, 'two files in "file"', [...meta, file('file'), file('file')]));
    out.push(upload(g, 'five files', [...meta, file('file'), file('features'), file('images'), file('labels'), file('evil')]));
    out.push(upload(g, 'file sent as a plain field', [...meta, { name: 'file', value: good }]));
    // The filename is never used (memory storage); the label column is wrong so only a 4xx is right.
    const badMeta: Part[] = [{ name: 'format', value: 'csv' }, { name: 'labelColumns', value: 'nope' }];
    out.push(upload(g, 'file with a traversal filename (and a wrong label column)', [...badMeta, { name: 'file', value: good, filename: '../../../../tmp/evil.csv' }]));
    out.push(upload(g, 'file with a NUL in its filename (and a wrong label column)', [...badMeta, { name: 'file', value: good, filename: 'a\u0000b.csv' }]));
    const big = csv(header, ...Array.from({ length: Math.ceil((ctx.maxUploadBytes * 3) / 20) }, (_, i) => rows[i % rows.length]));
    out.push(upload(g, `file of ${big.length} bytes > TUSK_MAX_UPLOAD_BYTES (${ctx.maxUploadBytes})`, csvParts(big)));
    out.push(upload(g, 'file of 1 byte over TUSK_MAX_UPLOAD_BYTES', csvParts(big.slice(0, ctx.maxUploadBytes + 1))));
    out.push(upload(g, '8 MB file', csvParts(big.repeat(Math.ceil((8 * 1024 * 1024) / big.length)))));
    // Malformed multipart framing.
    out.push(upload(g, 'no boundary in content type', csvParts(good), { contentType: 'multipart/form-data' }));
    out.push(upload(g, 'boundary mismatch', csvParts(good), { contentType: 'multipart/form-data; boundary=other' }));
    out.push(upload(g, 'truncated body (no closing boundary)', csvParts(good), { mangle: (b) => b.subarray(0, b.length - 60) }));
    out.push(upload(g, 'body cut inside the part headers', csvParts(good), { mangle: (b) => b.subarray(0, 70) }));
    out.push(upload(g, 'malformed part header', csvParts(good), { mangle: (b) => Buffer.from(b.toString('latin1').replace('content-disposition: form-data; name="format"', 'content-disposition form-data name=format'), 'latin1') }));
    out.push(upload(g, 'part without a name', csvParts(good), { mangle: (b) => Buffer.from(b.toString('latin1').replace('name="format"', 'filename="x"'), 'latin1') }));
    out.push(upload(g, 'multipart/mixed', csvParts(good), { contentType: 'multipart/mixed; boundary=tuskHostileBoundary7MA4YWxk' }));
    out.push(upload(g, 'empty multipart', []));
    out.push({ gen: g, label: 'empty body with multipart type', method: 'POST', path: '/datasets', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '' });
    out.push({ gen: g, label: 'CSV as text/csv body', method: 'POST', path: '/datasets', headers: { 'content-type': 'text/csv' }, body: good });
    out.push({ gen: g, label: 'CSV as octet-stream body', method: 'POST', path: '/datasets', headers: { 'content-type': 'application/octet-stream' }, body: good });
    out.push({ gen: g, label: 'urlencoded format=csv', method: 'POST', path: '/datasets', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'format=csv&labelColumns=label&source[file]=../../x' });
    return out;
  },
};

const npyMeta: Part[] = [{ name: 'format', value: 'npy' }];
const npyUpload = (g: string, label: string, features: Uint8Array | null, labels: Uint8Array | null, extra: Part[] = []) =>
  upload(g, label, [...npyMeta, ...extra, ...(features ? [{ name: 'features', value: features, filename: 'x.npy' }] : []), ...(labels ? [{ name: 'labels', value: labels, filename: 'y.npy' }] : [])]);

const uploadsNpyIdx: Generator = {
  name: 'datasets.npy-idx-uploads',
  make: () => {
    const g = 'datasets.npy-idx-uploads';
    const X = npy({ shape: [3, 4], data: f32(Array.from({ length: 12 }, (_, i) => i / 10)) });
    const Y = npy({ descr: '<i4', shape: [3], data: i32([0, 1, 2]) });
    const f = (o: Partial<Parameters<typeof npy>[0]>) => npy({ shape: [3, 4], data: f32(Array.from({ length: 12 }, () => 1)), ...o });
    const out: HostileRequest[] = [];
    const cases: [string, Uint8Array | null, Uint8Array | null, Part[]?][] = [
      ['wrong magic', f({ magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a] }), Y],
      ['magic only (8 bytes)', new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]), Y],
      ['version 4.0', f({ major: 4 }), Y],
      ['version 0.0', f({ major: 0 }), Y],
      ['header length 65535 (truncated header)', f({ headerLenOverride: 65535 }), Y],
      ['v2 header length 2**32-1', f({ major: 2, headerLenOverride: 2 ** 32 - 1 }), Y],
      ['header length 0', f({ headerLenOverride: 0 }), Y],
      ['header without descr', f({ headerText: "{'fortran_order': False, 'shape': (3, 4), }" }), Y],
      ['header without shape', f({ headerText: "{'descr': '<f4', 'fortran_order': False, }" }), Y],
      ['header without fortran_order', f({ headerText: "{'descr': '<f4', 'shape': (3, 4), }" }), Y],
      ['header is python code', f({ headerText: "__import__('os').system('id')" }), Y],
      ['fortran order', f({ fortran: true }), Y],
      ['dtype <c16', f({ descr: '<c16' }), Y],
      ['dtype object |O', f({ descr: '|O' }), Y],
      ['dtype >f4 big-endian', f({ descr: '>f4' }), Y],
      ['dtype <U10 strings', f({ descr: '<U10' }), Y],
      ['structured dtype', f({ headerText: "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (3,), }" }), Y],
      ['shape with a negative entry', f({ shape: [3, -4] }), Y],
      ['shape with text', f({ shape: [3, "'a'"] }), Y],
      ['shape 1e12 rows', f({ shape: [1_000_000_000_000, 4] }), Y],
      ['shape 2**64 elements', f({ shape: [4294967296, 4294967296] }), Y],
      ['shape 99999999999999999999999', f({ shape: ['99999999999999999999999', 4] }), Y],
      ['shape () scalar', f({ shape: [], data: f32([1]) }), Y],
      ['shape (0, 4) empty', f({ shape: [0, 4], data: new Uint8Array(0) }), Y],
      ['shape (3, 0) empty rows', f({ shape: [3, 0], data: new Uint8Array(0) }), Y],
      ['data truncated', f({ data: f32([1, 2, 3]) }), Y],
      ['trailing bytes', f({ data: f32(Array.from({ length: 13 }, () => 1)) }), Y],
      ['features NaN', f({ data: f32([NaN, ...Array.from({ length: 11 }, () => 1)]) }), Y],
      ['features Infinity', f({ data: f32([Infinity, ...Array.from({ length: 11 }, () => 1)]) }), Y],
      ['features f8 out of float32 range', npy({ descr: '<f8', shape: [3, 4], data: new Uint8Array(new Float64Array(Array.from({ length: 12 }, () => 1e300)).buffer) }), Y],
      ['labels int64 beyond int32', X, npy({ descr: '<i8', shape: [3], data: new Uint8Array(new BigInt64Array([0n, 1n, 2n ** 40n]).buffer) })],
      ['rows mismatch (3 vs 2)', X, npy({ descr: '<i4', shape: [2], data: i32([0, 1]) })],
      ['labels missing', X, null],
      ['features missing', null, Y],
      ['features gzip corrupt', new Uint8Array([0x1f, 0x8b, 0, 0, 0]), Y],
      ['scale 0', X, Y, [{ name: 'scale', value: '0' }]],
      ['scale -1', X, Y, [{ name: 'scale', value: '-1' }]],
      ['scale abc', X, Y, [{ name: 'scale', value: 'abc' }]],
      ['scale 1e309 (Infinity)', X, Y, [{ name: 'scale', value: '1e309' }]],
    ];
    for (const [label, a, b, extra] of cases) out.push(npyUpload(g, `npy ${label}`, a, b, extra));

    const img = (o: Partial<Parameters<typeof idx>[0]> = {}) => idx({ dims: [3, 2, 2], data: new Uint8Array(12).fill(7), ...o });
    const lab = (o: Partial<Parameters<typeof idx>[0]> = {}) => idx({ dims: [3], data: new Uint8Array([0, 1, 2]), ...o });
    const idxCases: [string, Uint8Array | null, Uint8Array | null][] = [
      ['wrong magic (01 02)', img({ magic01: [1, 2] }), lab()],
      ['dtype 0x07', img({ dtype: 0x07 }), lab()],
      ['0 dimensions', img({ ndimsOverride: 0 }), lab()],
      ['header truncated (ndims 200)', img({ ndimsOverride: 200 }), lab()],
      ['3 bytes', new Uint8Array([0, 0, 8]), lab()],
      ['count mismatch (too few bytes)', img({ data: new Uint8Array(5) }), lab()],
      ['count mismatch (trailing bytes)', img({ data: new Uint8Array(20) }), lab()],
      ['dims 0xFFFFFFFF x 0xFFFFFFFF', img({ dims: [0xffffffff, 0xffffffff] }), lab()],
      ['dims 0 rows', img({ dims: [0, 2, 2], data: new Uint8Array(0) }), lab()],
      ['rows mismatch', img(), lab({ dims: [2], data: new Uint8Array([0, 1]) })],
      ['labels 2-D', img(), lab({ dims: [3, 1] })],
      ['labels float32', img(), lab({ dtype: 0x0d, data: new Uint8Array(12) })],
      ['labels negative int8', img(), lab({ dtype: 0x09, data: new Uint8Array([0, 255, 1]) })],
      ['images NaN float32', img({ dtype: 0x0d, dims: [3, 1], data: new Uint8Array([0x7f, 0xc0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) }), lab()],
      ['images gzip corrupt', new Uint8Array([0x1f, 0x8b, 8, 0, 9, 9, 9]), lab()],
      ['labels missing', img(), null],
      ['images missing', null, lab()],
      ['gzip bomb images (60 MB zeros)', gzip(Buffer.alloc(60 * 1024 * 1024)), lab()],
    ];
    for (const [label, a, b] of idxCases) {
      out.push(upload(g, `idx ${label}`, [{ name: 'format', value: 'idx' }, ...(a ? [{ name: 'images', value: a, filename: 'i.idx' }] : []), ...(b ? [{ name: 'labels', value: b, filename: 'l.idx' }] : [])]));
    }
    return out;
  },
};

// ---------------------------------------------------------------- ids on every :id route

const ID_VARIANTS = (ctx: Ctx): [string, string][] => [
  ['..', '..'], ['.', '.'], ['..%2f..%2fetc%2fpasswd', '..%2f..%2fetc%2fpasswd'], ['%2e%2e%2f%2e%2e%2fetc%2fpasswd', '%2e%2e%2f%2e%2e%2fetc%2fpasswd'],
  ['%2e%2e', '%2e%2e'], ['..%252f..%252f', '..%252f..%252f'], ['..%5c..%5c', '..%5c..%5c'], ['%00', '%00'], ['job-%00', 'job-%00'],
  ['valid job id + %00', `${ctx.missingJobId}%00`], ['valid job id + %0a', `${ctx.missingJobId}%0a`], ['valid dataset id + %00', `${ctx.datasetId}%00`],
  ['valid job id + /..', `${ctx.missingJobId}%2f..`], ['65 chars', 'a'.repeat(65)], ['5000 chars', `job-${'a'.repeat(5000)}`], ['unicode j\u00f6b', 'j%C3%B6b-1'],
  ['RTL override', '%E2%80%AEjob'], ['emoji', '%F0%9F%92%A9'], ['invalid UTF-8 %ff', '%ff'], ['lone %', '%'], ['%zz', '%zz'], ['upper-case hex job id', `job-${'A'.repeat(32)}`],
  ['job id with G', `job-${'g'.repeat(32)}`], ['NATS wildcard *', '*'], ['NATS wildcard >', '%3E'], ['subject tusk.events.>', 'tusk.events.%3E'], ['job-..', 'job-..'],
  ['encoded slash', 'a%2Fb'], ['<script>', '%3Cscript%3E'], ['SQL', "'%20OR%201=1--"], ['__proto__', '__proto__'], ['constructor', 'constructor'],
  ['hasOwnProperty', 'hasOwnProperty'], ['manifest.json', 'manifest.json'], ['well-formed missing job', ctx.missingJobId], ['well-formed missing dataset', ctx.missingDatasetId],
  ['existing dataset id as job id', ctx.datasetId], ['space', '%20'], ['backslash', '%5C'],
];

interface Route { method: string; path: (id: string) => string; body?: unknown; datasetRoute?: boolean }

const ROUTES = (ctx: Ctx): Route[] => [
  { method: 'GET', path: (id) => `/jobs/${id}` },
  { method: 'DELETE', path: (id) => `/jobs/${id}` },
  { method: 'GET', path: (id) => `/jobs/${id}/model` },
  { method: 'GET', path: (id) => `/jobs/${id}/model/model.json` },
  { method: 'GET', path: (id) => `/jobs/${id}/model/weights.bin` },
  { method: 'GET', path: (id) => `/jobs/${id}/events` },
  { method: 'POST', path: (id) => `/jobs/${id}/evaluate`, body: { datasetId: ctx.datasetId } },
  { method: 'POST', path: (id) => `/jobs/${id}/predict`, body: { instances: [[1, 2, 3, 4]] } },
  { method: 'GET', path: (id) => `/datasets/${id}`, datasetRoute: true },
  { method: 'DELETE', path: (id) => `/datasets/${id}`, datasetRoute: true },
];

const ids: Generator = {
  name: 'ids.path-traversal',
  make: (ctx) => {
    const out: HostileRequest[] = [];
    for (const route of ROUTES(ctx)) {
      for (const [label, id] of ID_VARIANTS(ctx)) {
        // The one real dataset must not be deleted or read as a "hostile" request.
        if (route.datasetRoute && id === ctx.datasetId) continue;
        out.push({
          gen: 'ids.path-traversal', label: `${label}`, method: route.method, path: route.path(id),
          ...(route.body ? { headers: JSON_CT, body: JSON.stringify(route.body) } : {}),
          ...(route.path(id).includes('/events') ? { headers: { accept: 'text/event-stream' } } : {}),
        });
      }
    }
    // Paths that walk out of the route with raw `..` segments (no client-side normalisation).
    for (const p of ['/jobs/../datasets', '/jobs/x/../../health/..', '/datasets/../../../etc/passwd', '/jobs/%2e%2e/%2e%2e/etc/passwd', '/datasets/./.', '/jobs/job-x/model/../../../../etc/passwd',
      `/jobs/${ctx.missingJobId}/model/..%2f..%2f..%2fdatasets%2f${ctx.datasetId}%2fmanifest.json`, `/jobs/${ctx.missingJobId}/model/weights.bin/..`, '/jobs/%00/events']) {
      out.push({ gen: 'ids.path-traversal', label: `raw path ${p}`, method: 'GET', path: p });
    }
    // Request lines Node's HTTP client refuses to send: raw bytes on a socket. Node's parser may answer
    // these itself (400/431 without a JSON body), which is accepted.
    const rawReq = (label: string, line: Buffer): HostileRequest => ({
      gen: 'ids.raw-request-line', label, method: 'GET', path: line.toString('latin1').split(' ')[1]?.slice(0, 60) ?? '?', allowNonJson: true,
      raw: Buffer.concat([Buffer.from('GET '), line, Buffer.from(' HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n')]),
    });
    out.push(rawReq('raw NUL byte in id', Buffer.from('/jobs/job-\u0000abc', 'latin1')));
    out.push(rawReq('raw UTF-8 in id', Buffer.from('/jobs/j\u00f6b-\u{1F4A9}', 'utf8')));
    out.push(rawReq('raw space in id', Buffer.from('/jobs/a b', 'latin1')));
    out.push(rawReq('raw tab in id', Buffer.from('/datasets/a\tb', 'latin1')));
    out.push(rawReq('20000-char id (over the header limit)', Buffer.from(`/jobs/${'a'.repeat(20_000)}`)));
    out.push(rawReq('raw CR in id', Buffer.from('/jobs/a\rb', 'latin1')));
    out.push(rawReq('absolute-form URL to another host, traversal id', Buffer.from('http://169.254.169.254/jobs/..%2f..%2fetc', 'latin1')));
    return out;
  },
};

// ---------------------------------------------------------------- evaluate / predict bodies, unknown routes

const evalPredict: Generator = {
  name: 'jobs.evaluate-predict-bodies',
  make: (ctx) => {
    const g = 'jobs.evaluate-predict-bodies';
    const post = (path: string, label: string, body: unknown, headers: Record<string, string> = JSON_CT): HostileRequest =>
      ({ gen: g, label, method: 'POST', path, headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
    const ev = `/jobs/${ctx.missingJobId}/evaluate`;
    const pr = `/jobs/${ctx.missingJobId}/predict`;
    const out: HostileRequest[] = [];
    for (const v of [null, 12345, '../../x', '', 'x'.repeat(65), {}, [], '__proto__%00']) out.push(post(ev, `evaluate datasetId ${short(v)}`, { datasetId: v }));
    for (const v of [0, -1, 65537, 1e308, 1.5, '32', null, {}]) out.push(post(ev, `evaluate batchSize ${short(v)}`, { datasetId: ctx.datasetId, batchSize: v }));
    out.push(post(ev, 'evaluate extra key', { datasetId: ctx.datasetId, extra: 1 }));
    out.push(post(ev, 'evaluate __proto__', mutate({ datasetId: ctx.datasetId }, ['__proto__'], { batchSize: 0 })));
    out.push(post(ev, 'evaluate empty', {}));
    out.push(post(ev, 'evaluate invalid JSON', '{"datasetId"'));
    out.push(post(ev, 'evaluate as text/plain', JSON.stringify({ datasetId: ctx.datasetId }), { 'content-type': 'text/plain' }));
    for (const v of [null, 'abc', 12345, {}, [], Array.from({ length: 1001 }, () => [1, 2, 3, 4])]) out.push(post(pr, `predict instances ${Array.isArray(v) && v.length > 10 ? '1001 rows' : short(v)}`, { instances: v }));
    out.push(post(pr, 'predict instances 10k nested', jsonWithRaw({ instances: '@@N@@' }, { '@@N@@': nestedArrays(10_000) })));
    out.push(post(pr, 'predict extra key', { instances: [[1, 2, 3, 4]], extra: 1 }));
    out.push(post(pr, 'predict empty', {}));
    out.push(post(pr, 'predict raw NaN', '{"instances":[[NaN,1,2,3]]}'));
    out.push(post(pr, 'predict 1.5 MiB', { instances: [Array.from({ length: 300_000 }, () => 1.5)] }));
    // Unknown routes and methods: 404 with a JSON body.
    for (const [method, path] of [['PUT', '/jobs'], ['PATCH', `/jobs/${ctx.missingJobId}`], ['POST', '/health'], ['DELETE', '/jobs'], ['DELETE', '/datasets'], ['POST', '/workers'],
      ['PUT', `/datasets/${ctx.missingDatasetId}`], ['POST', `/jobs/${ctx.missingJobId}`], ['GET', '/jobs/a/b/c/d'], ['GET', '/../../etc/passwd'], ['TRACE', '/jobs'], ['PROPFIND', '/jobs']]) {
      out.push({ gen: g, label: `${method} ${path}`, method, path, headers: JSON_CT, body: '{}' });
    }
    return out;
  },
};

/**
 * A Functional model whose two layers feed each other. Found to hang the driver for good (tfjs'
 * deserialisation never returns), so it runs last: everything before it is measured on a live driver.
 */
const jobCycle: Generator = {
  name: 'jobs.cyclic-model',
  serial: true,
  fatal: true,
  make: (ctx) => [jobReq('jobs.cyclic-model', 'Functional model with a cycle (x <- y <- x)', withModel(ctx, {
    class_name: 'Functional', config: {
      name: 'cyc', layers: [
        { class_name: 'Dense', name: 'x', config: { name: 'x', units: 4 }, inbound_nodes: [[['y', 0, 0, {}]]] },
        { class_name: 'Dense', name: 'y', config: { name: 'y', units: 4 }, inbound_nodes: [[['x', 0, 0, {}]]] },
      ], input_layers: [['x', 0, 0]], output_layers: [['y', 0, 0]],
    },
  }))],
};

/** The generator table, in the order they run; the heavy ones last so a crash there does not hide the rest. */
export const GENERATORS: Generator[] = [
  jobWrongTypes, jobNumbers, jobMissing, jobExtra, jobCompile, jobModels, jobNesting, jobBodies,
  datasetJson, uploadsCsv, uploadsNpyIdx, ids, evalPredict, jobHeavyModels, jobCycle,
];

export { clone };
