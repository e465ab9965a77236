import { DELETE, gzip, jsonWithRaw, multipart, mutate, nestedArrays, nestedObjects, type Part } from '../bodies.js';
import type { HostileRequest } from '../http.js';
import { JSON_CT, short, type Generator } from './common.js';

// ---------------------------------------------------------------- POST /datasets (JSON)

const baseDatasetJson = {
  name: 'hostile',
  format: 'csv',
  labelColumns: ['label'],
  partitions: 2,
  seed: 1,
  source: { file: 'no-such-object.csv' },
};

const DATASET_FIELDS: [string[], unknown[]][] = [
  [['name'], [12345, true, [], {}, 'n'.repeat(201)]],
  [['format'], ['xml', 'CSV', '', 'csv ', 12345, true, null, [], ['csv'], {}, '__proto__', 'constructor']],
  [['labelColumns'], [12345, true, [1], [null], [{}], {}, [[]]]],
  [['featureColumns'], [12345, true, [1], [null], {}]],
  [['partitions'], [0, -1, 1025, 1e308, 2 ** 53 + 1, 1.5, 'abc', 'NaN', 'Infinity', '', [], {}, [1, 2]]],
  [['seed'], [-1, 2 ** 31, 1e308, 1.5, 'abc', 'NaN', '-Infinity', {}, [1, 2]]],
  [['scale'], [0, -1, 'abc', 'NaN', 'Infinity', -1e308, {}, [1, 2], '']],
  [['source'], ['abc', 12345, true, [], ['a.csv'], null]],
  [
    ['source', 'file'],
    [12345, true, {}, [], ['a.csv'], { $gt: '' }, null],
  ],
];
const TRAVERSAL_KEYS = [
  '../x.csv',
  '../../etc/passwd',
  'datasets/../../etc/passwd',
  '/etc/passwd',
  '..',
  '.',
  './../x',
  '..\\..\\x',
  '%2e%2e/%2e%2e/etc/passwd',
  '..%2f..%2fetc%2fpasswd',
  '....//....//etc/passwd',
  'a/\u0000/b',
  '\u0000',
  'x'.repeat(513),
  '',
  ' ',
  'a b.csv',
  'é.csv',
  '\u202e.csv',
  'file:///etc/passwd',
  'http://169.254.169.254/latest',
  '?list-type=2',
  '#frag',
  'tusk/../other-bucket/x',
  '/',
  '//',
  '*',
  '\n',
  'CON',
  'datasets//manifest.json',
];

export const datasetJson: Generator = {
  name: 'datasets.json',
  make: (ctx) => {
    const g = 'datasets.json';
    const post = (label: string, body: unknown): HostileRequest => ({
      gen: g,
      label,
      method: 'POST',
      path: '/datasets',
      headers: JSON_CT,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const out: HostileRequest[] = [];
    for (const [path, values] of DATASET_FIELDS)
      for (const v of values) out.push(post(`${path.join('.')} = ${short(v)}`, mutate(baseDatasetJson, path, v)));
    for (const key of TRAVERSAL_KEYS) {
      for (const role of ['file', 'labels'])
        out.push(post(`source.${role} = ${short(key)}`, mutate(baseDatasetJson, ['source', role], key)));
    }
    for (const role of ['features', 'images'])
      out.push(
        post(`npy source.${role} traversal`, {
          format: role === 'features' ? 'npy' : 'idx',
          source: { [role]: '../../x', labels: '../../y' },
        }),
      );
    out.push(
      post('source = existing manifest as CSV', mutate(baseDatasetJson, ['source', 'file'], `datasets/${ctx.datasetId}/manifest.json`)),
    );
    out.push(
      post('source = existing partition as CSV', mutate(baseDatasetJson, ['source', 'file'], `datasets/${ctx.datasetId}/part-0.bin`)),
    );
    out.push(
      post('source = existing partition as IDX', {
        format: 'idx',
        source: { images: `datasets/${ctx.datasetId}/part-0.bin`, labels: `datasets/${ctx.datasetId}/part-1.bin` },
      }),
    );
    out.push(
      post('source = existing partition as NPY', {
        format: 'npy',
        source: { features: `datasets/${ctx.datasetId}/part-0.bin`, labels: `datasets/${ctx.datasetId}/manifest.json` },
      }),
    );
    out.push(post('source with unknown role', mutate(baseDatasetJson, ['source'], { evil: '../../etc/passwd' })));
    out.push(
      post('source.__proto__ = {file}', mutate(baseDatasetJson, ['source'], mutate({}, ['__proto__'], { file: '../../etc/passwd' }))),
    );
    out.push(post('source.constructor', mutate(baseDatasetJson, ['source', 'constructor'], { file: 'x' })));
    out.push(post('source empty object', mutate(baseDatasetJson, ['source'], {})));
    for (const p of [['format'], ['source']]) out.push(post(`without ${p.join('.')}`, mutate(baseDatasetJson, p, DELETE)));
    out.push(post('no source, no files', mutate(baseDatasetJson, ['source'], DELETE)));
    for (const key of ['__proto__', 'constructor', 'extra', 'id', 'parts'])
      out.push(post(`extra key ${key}`, mutate(baseDatasetJson, [key], { polluted: true })));
    out.push(post('empty object', {}));
    out.push(post('array body', [baseDatasetJson]));
    out.push(post('invalid JSON', '{"format":'));
    out.push(post('source nested 10k', jsonWithRaw(mutate(baseDatasetJson, ['source'], '@@N@@'), { '@@N@@': nestedObjects(10_000) })));
    out.push(
      post(
        'labelColumns 10k nested arrays',
        jsonWithRaw(mutate(baseDatasetJson, ['labelColumns'], '@@N@@'), { '@@N@@': nestedArrays(10_000, '"label"') }),
      ),
    );
    out.push(post('1.5 MiB JSON', JSON.stringify(mutate(baseDatasetJson, ['name'], 'n'.repeat(1536 * 1024)))));
    return out;
  },
};

// ---------------------------------------------------------------- POST /datasets (multipart uploads)

export function upload(
  gen: string,
  label: string,
  parts: Part[],
  opts: { boundary?: string; mangle?: (b: Buffer) => Buffer; contentType?: string } = {},
): HostileRequest {
  const { body, contentType } = multipart(parts, opts.boundary);
  return {
    gen,
    label,
    method: 'POST',
    path: '/datasets',
    headers: { 'content-type': opts.contentType ?? contentType },
    body: opts.mangle ? opts.mangle(body) : body,
  };
}
const csvParts = (csv: string | Uint8Array, extra: Part[] = [], labelColumns: string | null = 'label'): Part[] => [
  { name: 'format', value: 'csv' },
  ...(labelColumns === null ? [] : [{ name: 'labelColumns', value: labelColumns }]),
  ...extra,
  { name: 'file', value: csv, filename: 'data.csv', contentType: 'text/csv' },
];

export const uploadsCsv: Generator = {
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
      [
        'one row, 50k columns, last value text',
        csv(Array.from({ length: 50_000 }, (_, i) => `c${i}`).join(','), [...Array.from({ length: 49_999 }, () => '1'), 'x'].join(',')),
        'c0',
      ],
    ];
    for (const [label, file, labelColumns] of bad) out.push(upload(g, label, csvParts(file, [], labelColumns)));
    const good = csv(header, ...rows);
    const fields: [string, Part[]][] = [
      ['format missing', []],
      ['format xml', [{ name: 'format', value: 'xml' }]],
      ['format npy with a csv file', [{ name: 'format', value: 'npy' }]],
      ['partitions 0', [{ name: 'partitions', value: '0' }]],
      ['partitions 1025', [{ name: 'partitions', value: '1025' }]],
      ['partitions abc', [{ name: 'partitions', value: 'abc' }]],
      ['partitions 1e308', [{ name: 'partitions', value: '1e308' }]],
      ['partitions -0.5', [{ name: 'partitions', value: '-0.5' }]],
      ['seed -1', [{ name: 'seed', value: '-1' }]],
      ['seed 99999999999', [{ name: 'seed', value: '99999999999' }]],
      ['scale 0', [{ name: 'scale', value: '0' }]],
      ['scale NaN', [{ name: 'scale', value: 'NaN' }]],
      ['extra field evil', [{ name: 'evil', value: '1' }]],
      ['extra field __proto__', [{ name: '__proto__', value: 'x' }]],
      ['extra field constructor', [{ name: 'constructor', value: 'x' }]],
      ['field __proto__[polluted]', [{ name: '__proto__[polluted]', value: 'x' }]],
      ['field constructor[prototype][x]', [{ name: 'constructor[prototype][x]', value: 'x' }]],
      ['source[file] traversal next to a file', [{ name: 'source[file]', value: '../../etc/passwd' }]],
      ['source as a string field', [{ name: 'source', value: '{"file":"../x"}' }]],
      ['name 201 chars', [{ name: 'name', value: 'n'.repeat(201) }]],
      [
        'partitions[] array',
        [
          { name: 'partitions[]', value: '1' },
          { name: 'partitions[]', value: '2' },
        ],
      ],
      ['labelColumns[99999] sparse index', [{ name: 'labelColumns[99999]', value: 'nope' }]],
      ['25 fields (limit 20)', Array.from({ length: 25 }, (_, i) => ({ name: `f${i}`, value: 'x' }))],
      ['field value 2 MB', [{ name: 'name', value: 'n'.repeat(2 * 1024 * 1024) }]],
      ['field name 10 KB', [{ name: 'k'.repeat(10_000), value: 'x' }]],
    ];
    for (const [label, extra] of fields) {
      const base = label.startsWith('format')
        ? csvParts(good, extra).filter((p) => p.name !== 'format' || extra.includes(p))
        : csvParts(good, extra);
      out.push(upload(g, label, base));
    }
    const file = (name: string, value: string | Uint8Array = good): Part => ({ name, value, filename: 'x.csv' });
    const meta: Part[] = [
      { name: 'format', value: 'csv' },
      { name: 'labelColumns', value: 'label' },
    ];
    out.push(upload(g, 'file in field "features"', [...meta, file('features')]));
    out.push(upload(g, 'file in unexpected field "evil"', [...meta, file('evil')]));
    out.push(upload(g, 'two files in "file"', [...meta, file('file'), file('file')]));
    out.push(upload(g, 'five files', [...meta, file('file'), file('features'), file('images'), file('labels'), file('evil')]));
    out.push(upload(g, 'file sent as a plain field', [...meta, { name: 'file', value: good }]));
    // The filename is never used (files are staged under a key of their own); the label column is wrong so only a 4xx is right.
    const badMeta: Part[] = [
      { name: 'format', value: 'csv' },
      { name: 'labelColumns', value: 'nope' },
    ];
    out.push(
      upload(g, 'file with a traversal filename (and a wrong label column)', [
        ...badMeta,
        { name: 'file', value: good, filename: '../../../../tmp/evil.csv' },
      ]),
    );
    out.push(
      upload(g, 'file with a NUL in its filename (and a wrong label column)', [
        ...badMeta,
        { name: 'file', value: good, filename: 'a\u0000b.csv' },
      ]),
    );
    const big = csv(header, ...Array.from({ length: Math.ceil((ctx.maxUploadBytes * 3) / 20) }, (_, i) => rows[i % rows.length]));
    out.push(upload(g, `file of ${big.length} bytes > TUSK_MAX_UPLOAD_BYTES (${ctx.maxUploadBytes})`, csvParts(big)));
    out.push(upload(g, 'file of 1 byte over TUSK_MAX_UPLOAD_BYTES', csvParts(big.slice(0, ctx.maxUploadBytes + 1))));
    out.push(upload(g, '8 MB file', csvParts(big.repeat(Math.ceil((8 * 1024 * 1024) / big.length)))));
    // Malformed multipart framing.
    out.push(upload(g, 'no boundary in content type', csvParts(good), { contentType: 'multipart/form-data' }));
    out.push(upload(g, 'boundary mismatch', csvParts(good), { contentType: 'multipart/form-data; boundary=other' }));
    out.push(upload(g, 'truncated body (no closing boundary)', csvParts(good), { mangle: (b) => b.subarray(0, b.length - 60) }));
    out.push(upload(g, 'body cut inside the part headers', csvParts(good), { mangle: (b) => b.subarray(0, 70) }));
    out.push(
      upload(g, 'malformed part header', csvParts(good), {
        mangle: (b) =>
          Buffer.from(
            b.toString('latin1').replace('content-disposition: form-data; name="format"', 'content-disposition form-data name=format'),
            'latin1',
          ),
      }),
    );
    out.push(
      upload(g, 'part without a name', csvParts(good), {
        mangle: (b) => Buffer.from(b.toString('latin1').replace('name="format"', 'filename="x"'), 'latin1'),
      }),
    );
    out.push(upload(g, 'multipart/mixed', csvParts(good), { contentType: 'multipart/mixed; boundary=tuskHostileBoundary7MA4YWxk' }));
    out.push(upload(g, 'empty multipart', []));
    out.push({
      gen: g,
      label: 'empty body with multipart type',
      method: 'POST',
      path: '/datasets',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      body: '',
    });
    out.push({
      gen: g,
      label: 'CSV as text/csv body',
      method: 'POST',
      path: '/datasets',
      headers: { 'content-type': 'text/csv' },
      body: good,
    });
    out.push({
      gen: g,
      label: 'CSV as octet-stream body',
      method: 'POST',
      path: '/datasets',
      headers: { 'content-type': 'application/octet-stream' },
      body: good,
    });
    out.push({
      gen: g,
      label: 'urlencoded format=csv',
      method: 'POST',
      path: '/datasets',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'format=csv&labelColumns=label&source[file]=../../x',
    });
    return out;
  },
};
