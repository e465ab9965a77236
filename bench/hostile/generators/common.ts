import { mutate } from '../bodies.js';
import type { HostileRequest } from '../http.js';

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

export const JSON_CT = { 'content-type': 'application/json' };

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

export const dense = (units: unknown, extra: Record<string, unknown> = {}) => ({
  class_name: 'Dense',
  config: { units, activation: 'relu', ...extra },
});
export const seq = (layers: unknown[]) => ({ class_name: 'Sequential', config: { name: 'hostile', layers } });
/** A model whose only mistake is `layers`; output 2 units (< 3 classes) so even a build that passes is refused. */
export const withModel = (ctx: Ctx, model: unknown) => mutate(baseJob(ctx), ['model'], model);

export const jobReq = (gen: string, label: string, body: unknown, extraHeaders: Record<string, string> = {}): HostileRequest => ({
  gen,
  label,
  method: 'POST',
  path: '/jobs',
  headers: { ...JSON_CT, ...extraHeaders },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

export const short = (v: unknown): string => {
  const s = typeof v === 'string' ? JSON.stringify(v) : v === undefined ? 'undefined' : (JSON.stringify(v) ?? String(v));
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
};

/** Names that live on Object.prototype (or look like they do), tried wherever a name is looked up. */
export const PROTO_NAMES = [
  '__proto__',
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  '__defineGetter__',
  'toLocaleString',
];
