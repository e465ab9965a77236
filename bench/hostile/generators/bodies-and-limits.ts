import { gzip, jsonWithRaw, multipart, mutate, nestedArrays, nestedObjects } from '../bodies.js';
import type { HostileRequest } from '../http.js';
import { baseJob, JSON_CT, jobReq, short, type Generator } from './common.js';

// ---------------------------------------------------------------- POST /jobs: deeply nested JSON

export const jobNesting: Generator = {
  name: 'jobs.deep-json',
  make: (ctx) => {
    const out: HostileRequest[] = [];
    for (const path of [
      ['name'],
      ['compile'],
      ['compile', 'optimizer'],
      ['compile', 'metrics'],
      ['training'],
      ['training', 'epochs'],
      ['datasetId'],
      ['extra'],
    ]) {
      for (const [label, raw] of [
        ['10k objects', nestedObjects(10_000)],
        ['10k arrays', nestedArrays(10_000)],
        ['50k arrays', nestedArrays(50_000)],
      ] as const) {
        out.push(
          jobReq('jobs.deep-json', `${path.join('.')} = ${label}`, jsonWithRaw(mutate(baseJob(ctx), path, '@@N@@'), { '@@N@@': raw })),
        );
      }
    }
    out.push(jobReq('jobs.deep-json', 'whole body 10k arrays', nestedArrays(10_000)));
    out.push(jobReq('jobs.deep-json', 'whole body 10k objects', nestedObjects(10_000)));
    out.push(jobReq('jobs.deep-json', 'whole body 200k arrays (400 KB)', nestedArrays(200_000)));
    return out;
  },
};

// ---------------------------------------------------------------- bodies, content types, sizes

export const jobBodies: Generator = {
  name: 'jobs.bodies',
  make: (ctx) => {
    const valid = JSON.stringify(baseJob(ctx));
    const g = 'jobs.bodies';
    const out: HostileRequest[] = [];
    for (const text of [
      '{',
      '{"a":}',
      "{'a':1}",
      'NaN',
      '{"training": NaN}',
      '{"a":1,}',
      '/* c */ {}',
      '}{',
      '{"a":"\\u12"}',
      '{"a":"\x01"}',
      'undefined',
      '\u0000',
      '{"a":1}{"b":2}',
      '{"a":1e99999999999}',
    ]) {
      out.push(jobReq(g, `invalid JSON ${short(text)}`, text));
    }
    for (const cut of [1, 10, 50, 100, 200, valid.length - 1]) out.push(jobReq(g, `valid job truncated at ${cut}`, valid.slice(0, cut)));
    const ct = (label: string, headers: Record<string, string>, body: string | Buffer = valid) =>
      out.push({ gen: g, label, method: 'POST', path: '/jobs', headers, body });
    // A valid job under the wrong content type must not be parsed as one.
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/xml',
      'text/html',
      'application/octet-stream',
      'application/jsonp',
      'application/json-patch+json',
      'image/png',
      '*/*',
      'application',
    ]) {
      ct(`valid job as ${type}`, { 'content-type': type });
    }
    ct('valid job without content type', {});
    ct('valid job as multipart/form-data (no boundary)', { 'content-type': 'multipart/form-data' });
    const mp = multipart([
      { name: 'datasetId', value: ctx.datasetId },
      { name: 'model', value: JSON.stringify(baseJob(ctx).model) },
    ]);
    ct('job fields as multipart', { 'content-type': mp.contentType }, mp.body);
    ct(
      'urlencoded job fields',
      { 'content-type': 'application/x-www-form-urlencoded' },
      `datasetId=${ctx.datasetId}&training[epochs]=1&model[class_name]=Sequential`,
    );
    // UTF-16 is a charset body-parser decodes: the job is made invalid (epochs 0) so only a 400 is right.
    ct(
      'application/json; charset=utf-16, epochs 0',
      { 'content-type': 'application/json; charset=utf-16' },
      Buffer.from(JSON.stringify(mutate(baseJob(ctx), ['training', 'epochs'], 0)), 'utf16le'),
    );
    ct('application/json; charset=latin1', { 'content-type': 'application/json; charset=latin1' });
    ct('application/json; charset=ebcdic', { 'content-type': 'application/json; charset=ebcdic' });
    ct('json with utf-8 BOM + invalid utf-8', JSON_CT, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf, 0xff, 0xfe]), Buffer.from(valid)]));
    ct('content-encoding gzip, garbage', { ...JSON_CT, 'content-encoding': 'gzip' }, Buffer.from('not gzip at all'));
    ct('content-encoding deflate, garbage', { ...JSON_CT, 'content-encoding': 'deflate' }, Buffer.from('not deflate'));
    ct('content-encoding br, garbage', { ...JSON_CT, 'content-encoding': 'br' }, Buffer.from('not brotli'));
    ct('content-encoding compress', { ...JSON_CT, 'content-encoding': 'compress' });
    ct('content-encoding x-unknown', { ...JSON_CT, 'content-encoding': 'x-unknown' });
    ct(
      'gzip bomb: 64 MB of spaces inflated (limit 1 MiB)',
      { ...JSON_CT, 'content-encoding': 'gzip' },
      Buffer.from(gzip(' '.repeat(64 * 1024 * 1024))),
    );
    ct('gzip of invalid JSON', { ...JSON_CT, 'content-encoding': 'gzip' }, Buffer.from(gzip('{nope')));
    // Oversized: > 1 MiB of JSON must be refused with 413 before it is parsed.
    const pad = (bytes: number) => JSON.stringify(mutate(baseJob(ctx), ['name'], 'x'.repeat(bytes)));
    ct('1 MiB + 1 KB body (name padding)', JSON_CT, pad(1024 * 1024 + 1024));
    ct('4 MiB body', JSON_CT, pad(4 * 1024 * 1024));
    ct('16 MiB body', JSON_CT, pad(16 * 1024 * 1024));
    ct(
      '1.5 MiB array of numbers',
      JSON_CT,
      JSON.stringify(
        mutate(
          baseJob(ctx),
          ['compile', 'metrics'],
          Array.from({ length: 400_000 }, () => 1),
        ),
      ),
    );
    ct('1.5 MiB body, chunked (no content-length)', { ...JSON_CT, 'transfer-encoding': 'chunked' }, pad(1536 * 1024));
    ct('900 KB name (under the body limit, over MaxLength)', JSON_CT, pad(900 * 1024));
    ct('content-length smaller than body', { ...JSON_CT, 'content-length': '10' }, valid);
    out.push({
      gen: g,
      label: 'content-length not a number',
      method: 'POST',
      path: '/jobs',
      headers: { ...JSON_CT, 'content-length': 'abc' },
      body: valid,
      allowNonJson: true,
    });
    return out;
  },
};

// ---------------------------------------------------------------- evaluate / predict bodies, unknown routes

export const evalPredict: Generator = {
  name: 'jobs.evaluate-predict-bodies',
  make: (ctx) => {
    const g = 'jobs.evaluate-predict-bodies';
    const post = (path: string, label: string, body: unknown, headers: Record<string, string> = JSON_CT): HostileRequest => ({
      gen: g,
      label,
      method: 'POST',
      path,
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const ev = `/jobs/${ctx.missingJobId}/evaluate`;
    const pr = `/jobs/${ctx.missingJobId}/predict`;
    const out: HostileRequest[] = [];
    for (const v of [null, 12345, '../../x', '', 'x'.repeat(65), {}, [], '__proto__%00'])
      out.push(post(ev, `evaluate datasetId ${short(v)}`, { datasetId: v }));
    for (const v of [0, -1, 65537, 1e308, 1.5, '32', null, {}])
      out.push(post(ev, `evaluate batchSize ${short(v)}`, { datasetId: ctx.datasetId, batchSize: v }));
    out.push(post(ev, 'evaluate extra key', { datasetId: ctx.datasetId, extra: 1 }));
    out.push(post(ev, 'evaluate __proto__', mutate({ datasetId: ctx.datasetId }, ['__proto__'], { batchSize: 0 })));
    out.push(post(ev, 'evaluate empty', {}));
    out.push(post(ev, 'evaluate invalid JSON', '{"datasetId"'));
    out.push(post(ev, 'evaluate as text/plain', JSON.stringify({ datasetId: ctx.datasetId }), { 'content-type': 'text/plain' }));
    for (const v of [null, 'abc', 12345, {}, [], Array.from({ length: 1001 }, () => [1, 2, 3, 4])])
      out.push(post(pr, `predict instances ${Array.isArray(v) && v.length > 10 ? '1001 rows' : short(v)}`, { instances: v }));
    out.push(post(pr, 'predict instances 10k nested', jsonWithRaw({ instances: '@@N@@' }, { '@@N@@': nestedArrays(10_000) })));
    out.push(post(pr, 'predict extra key', { instances: [[1, 2, 3, 4]], extra: 1 }));
    out.push(post(pr, 'predict empty', {}));
    out.push(post(pr, 'predict raw NaN', '{"instances":[[NaN,1,2,3]]}'));
    out.push(post(pr, 'predict 1.5 MiB', { instances: [Array.from({ length: 300_000 }, () => 1.5)] }));
    // Unknown routes and methods: 404 with a JSON body.
    for (const [method, path] of [
      ['PUT', '/jobs'],
      ['PATCH', `/jobs/${ctx.missingJobId}`],
      ['POST', '/health'],
      ['DELETE', '/jobs'],
      ['DELETE', '/datasets'],
      ['POST', '/workers'],
      ['PUT', `/datasets/${ctx.missingDatasetId}`],
      ['POST', `/jobs/${ctx.missingJobId}`],
      ['GET', '/jobs/a/b/c/d'],
      ['GET', '/../../etc/passwd'],
      ['TRACE', '/jobs'],
      ['PROPFIND', '/jobs'],
    ]) {
      out.push({ gen: g, label: `${method} ${path}`, method, path, headers: JSON_CT, body: '{}' });
    }
    return out;
  },
};
