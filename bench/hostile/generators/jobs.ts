import { DELETE, jsonWithRaw, mutate } from '../bodies.js';
import type { HostileRequest } from '../http.js';
import { baseJob, jobReq, PROTO_NAMES, short, type Generator } from './common.js';

// ---------------------------------------------------------------- POST /jobs: fields

type Kind = 'string' | 'int' | 'number' | 'object' | 'array' | 'enum' | 'any';
interface FieldSpec {
  path: string[];
  kind: Kind;
  required?: boolean;
  min?: number;
  max?: number;
  clamps?: boolean;
  asyncOnly?: boolean;
}

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
    case 'string':
      return typeof v === 'string' && f.path[0] === 'name' && v.length <= 200;
    case 'int':
      return typeof v === 'number' && Number.isInteger(v) && v >= (f.min ?? -Infinity) && (f.clamps || v <= (f.max ?? Infinity));
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) && v >= (f.min ?? -Infinity) && v <= (f.max ?? Infinity);
    case 'array':
      return Array.isArray(v) && v.length === 0;
    default:
      return false;
  }
}

export const jobWrongTypes: Generator = {
  name: 'jobs.wrong-types',
  make: (ctx) =>
    JOB_FIELDS.flatMap((f) => {
      const values = [...WRONG_TYPES, ...(f.required || f.asyncOnly ? [null] : [])].filter((v) => !acceptable(f, v));
      return values.map((v) => jobReq('jobs.wrong-types', `${f.path.join('.')} = ${short(v)}`, mutate(baseJob(ctx), f.path, v)));
    }),
};

const HUGE: [string, unknown][] = [
  ['1e308', 1e308],
  ['-1e308', -1e308],
  ['2**53+1', 2 ** 53 + 1],
  ['-(2**53+1)', -(2 ** 53 + 1)],
  ['-0', -0],
  ['0', 0],
  ['-1', -1],
  ['1.5', 1.5],
  ['1e-308', 1e-308],
  ['2**31', 2 ** 31],
  ['2**32+1', 2 ** 32 + 1],
  ['"NaN"', 'NaN'],
  ['"Infinity"', 'Infinity'],
  ['"-Infinity"', '-Infinity'],
  ['"1e3"', '1e3'],
];
const RAW_NUMBERS = [
  'NaN',
  'Infinity',
  '-Infinity',
  '1e400',
  '-1e400',
  '123456789012345678901234567890',
  '0x10',
  '1_000',
  '.5',
  '01',
  '+1',
];

export const jobNumbers: Generator = {
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
        out.push(
          jobReq(
            'jobs.huge-numbers',
            `${f.path.join('.')} = raw ${raw}`,
            jsonWithRaw(mutate(baseJob(ctx), f.path, '@@RAW@@'), { '@@RAW@@': raw }),
          ),
        );
      }
    }
    // -0 spelled literally (JSON.stringify(-0) is "0").
    for (const p of [
      ['training', 'epochs'],
      ['training', 'batchSize'],
      ['training', 'partitions'],
    ]) {
      out.push(
        jobReq('jobs.huge-numbers', `${p.join('.')} = raw -0`, jsonWithRaw(mutate(baseJob(ctx), p, '@@RAW@@'), { '@@RAW@@': '-0' })),
      );
    }
    // Async mode, numeric async fields out of range.
    for (const [field, v] of [
      ['pushEvery', 0],
      ['pushEvery', 1e308],
      ['maxStaleness', -1],
      ['maxStaleness', 2 ** 53 + 1],
      ['pushEvery', 2 ** 31],
    ] as const) {
      const body = mutate(mutate(baseJob(ctx), ['training', 'mode'], 'asynchronous'), ['training', field], v);
      out.push(jobReq('jobs.huge-numbers', `asynchronous training.${field} = ${v}`, body));
    }
    return out;
  },
};

const REQUIRED_PATHS = [
  ['model'],
  ['compile'],
  ['compile', 'optimizer'],
  ['compile', 'loss'],
  ['datasetId'],
  ['training'],
  ['training', 'epochs'],
];

export const jobMissing: Generator = {
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

export const jobExtra: Generator = {
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
    out.push(
      jobReq(
        'jobs.extra-fields',
        'training.__proto__ supplies epochs',
        mutate(mutate(baseJob(ctx), ['training', 'epochs'], DELETE), ['training', '__proto__'], { epochs: 1 }),
      ),
    );
    out.push(
      jobReq(
        'jobs.extra-fields',
        '__proto__ supplies training',
        mutate(mutate(baseJob(ctx), ['training'], DELETE), ['__proto__'], { training: { epochs: 1 } }),
      ),
    );
    out.push(
      jobReq(
        'jobs.extra-fields',
        'constructor.prototype pollution',
        mutate(baseJob(ctx), ['constructor'], { prototype: { polluted: true } }),
      ),
    );
    // Duplicate keys: JSON.parse keeps the last one.
    const dup = JSON.stringify(baseJob(ctx))
      .replace(/^\{/, '{"datasetId":"ds-first",')
      .replace(`"datasetId":"${ctx.datasetId}"`, '"datasetId":"../../etc"');
    out.push(jobReq('jobs.extra-fields', 'duplicate datasetId, last invalid', dup));
    return out;
  },
};

// ---------------------------------------------------------------- POST /jobs: compile

export const jobCompile: Generator = {
  name: 'jobs.compile',
  make: (ctx) => {
    const b = baseJob(ctx);
    const out: HostileRequest[] = [];
    const add = (label: string, path: string[], v: unknown) =>
      out.push(jobReq('jobs.compile', `${path.join('.')} = ${label}`, mutate(b, path, v)));
    for (const name of ['adamw', 'Adam2', 'nadam', 'ftrl', '', ' adam', 'adam\u0000', 'x'.repeat(10_000), ...PROTO_NAMES])
      add(short(name), ['compile', 'optimizer'], name);
    for (const name of PROTO_NAMES) add(`{className: ${short(name)}}`, ['compile', 'optimizer'], { className: name });
    add('{className: {}}', ['compile', 'optimizer'], { className: {} });
    add('{className: null}', ['compile', 'optimizer'], { className: null });
    add('{className: ["adam"]}', ['compile', 'optimizer'], { className: ['adam'] });
    add('{className: adam, config: "abc"}', ['compile', 'optimizer'], { className: 'adam', config: 'abc' });
    add('{className: adam, config: {lr: "0.1"}}', ['compile', 'optimizer'], { className: 'adam', config: { learning_rate: '0.1' } });
    add('{className: adam, config: {lr: {}}}', ['compile', 'optimizer'], { className: 'adam', config: { learning_rate: {} } });
    add('{className: adam, config: {lr: null}}', ['compile', 'optimizer'], { className: 'adam', config: { learning_rate: null } });
    add(
      '{className: adam, config.__proto__}',
      ['compile', 'optimizer'],
      mutate({ className: 'adam', config: {} }, ['config', '__proto__'], { polluted: 'yes' }),
    );
    for (const loss of ['foo', 'Categorical_Crossentropy', '', 'categoricalCrossentropy ', 'l'.repeat(101), ...PROTO_NAMES])
      add(short(loss), ['compile', 'loss'], loss);
    for (const m of ['foo', 'AUC', 'precision', '', ...PROTO_NAMES]) add(`[${short(m)}]`, ['compile', 'metrics'], [m]);
    add('["accuracy","foo"]', ['compile', 'metrics'], ['accuracy', 'foo']);
    add(
      '17 metrics',
      ['compile', 'metrics'],
      Array.from({ length: 17 }, () => 'accuracy'),
    );
    add('[null]', ['compile', 'metrics'], [null]);
    add('[["accuracy"]]', ['compile', 'metrics'], [['accuracy']]);
    add('{0:"accuracy"}', ['compile', 'metrics'], { 0: 'accuracy' });
    return out;
  },
};
