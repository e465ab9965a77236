import type { HostileRequest } from '../http.js';
import { JSON_CT, type Ctx, type Generator } from './common.js';

// ---------------------------------------------------------------- ids on every :id route

const ID_VARIANTS = (ctx: Ctx): [string, string][] => [
  ['..', '..'],
  ['.', '.'],
  ['..%2f..%2fetc%2fpasswd', '..%2f..%2fetc%2fpasswd'],
  ['%2e%2e%2f%2e%2e%2fetc%2fpasswd', '%2e%2e%2f%2e%2e%2fetc%2fpasswd'],
  ['%2e%2e', '%2e%2e'],
  ['..%252f..%252f', '..%252f..%252f'],
  ['..%5c..%5c', '..%5c..%5c'],
  ['%00', '%00'],
  ['job-%00', 'job-%00'],
  ['valid job id + %00', `${ctx.missingJobId}%00`],
  ['valid job id + %0a', `${ctx.missingJobId}%0a`],
  ['valid dataset id + %00', `${ctx.datasetId}%00`],
  ['valid job id + /..', `${ctx.missingJobId}%2f..`],
  ['65 chars', 'a'.repeat(65)],
  ['5000 chars', `job-${'a'.repeat(5000)}`],
  ['unicode j\u00f6b', 'j%C3%B6b-1'],
  ['RTL override', '%E2%80%AEjob'],
  ['emoji', '%F0%9F%92%A9'],
  ['invalid UTF-8 %ff', '%ff'],
  ['lone %', '%'],
  ['%zz', '%zz'],
  ['upper-case hex job id', `job-${'A'.repeat(32)}`],
  ['job id with G', `job-${'g'.repeat(32)}`],
  ['NATS wildcard *', '*'],
  ['NATS wildcard >', '%3E'],
  ['subject tusk.events.>', 'tusk.events.%3E'],
  ['job-..', 'job-..'],
  ['encoded slash', 'a%2Fb'],
  ['<script>', '%3Cscript%3E'],
  ['SQL', "'%20OR%201=1--"],
  ['__proto__', '__proto__'],
  ['constructor', 'constructor'],
  ['hasOwnProperty', 'hasOwnProperty'],
  ['manifest.json', 'manifest.json'],
  ['well-formed missing job', ctx.missingJobId],
  ['well-formed missing dataset', ctx.missingDatasetId],
  ['existing dataset id as job id', ctx.datasetId],
  ['space', '%20'],
  ['backslash', '%5C'],
];

interface Route {
  method: string;
  path: (id: string) => string;
  body?: unknown;
  datasetRoute?: boolean;
}

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

export const ids: Generator = {
  name: 'ids.path-traversal',
  make: (ctx) => {
    const out: HostileRequest[] = [];
    for (const route of ROUTES(ctx)) {
      for (const [label, id] of ID_VARIANTS(ctx)) {
        // The one real dataset must not be deleted or read as a "hostile" request.
        if (route.datasetRoute && id === ctx.datasetId) continue;
        out.push({
          gen: 'ids.path-traversal',
          label: `${label}`,
          method: route.method,
          path: route.path(id),
          ...(route.body ? { headers: JSON_CT, body: JSON.stringify(route.body) } : {}),
          ...(route.path(id).includes('/events') ? { headers: { accept: 'text/event-stream' } } : {}),
        });
      }
    }
    // Paths that walk out of the route with raw `..` segments (no client-side normalisation).
    for (const p of [
      '/jobs/../datasets',
      '/jobs/x/../../health/..',
      '/datasets/../../../etc/passwd',
      '/jobs/%2e%2e/%2e%2e/etc/passwd',
      '/datasets/./.',
      '/jobs/job-x/model/../../../../etc/passwd',
      `/jobs/${ctx.missingJobId}/model/..%2f..%2f..%2fdatasets%2f${ctx.datasetId}%2fmanifest.json`,
      `/jobs/${ctx.missingJobId}/model/weights.bin/..`,
      '/jobs/%00/events',
    ]) {
      out.push({ gen: 'ids.path-traversal', label: `raw path ${p}`, method: 'GET', path: p });
    }
    // Request lines Node's HTTP client refuses to send: raw bytes on a socket. Node's parser may answer
    // these itself (400/431 without a JSON body), which is accepted.
    const rawReq = (label: string, line: Buffer): HostileRequest => ({
      gen: 'ids.raw-request-line',
      label,
      method: 'GET',
      path: line.toString('latin1').split(' ')[1]?.slice(0, 60) ?? '?',
      allowNonJson: true,
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
