import { deltaKey, deltasPrefix, WEIGHTS_BUCKET, type ResultMessage } from '@tusk/contracts';
import type { Infra } from '@tusk/infra';
import { purgeKvPrefix } from '@tusk/messaging';
import { DeltaSum } from '@tusk/model';
import { streamedAverage } from '../../apps/driver/src/jobs/streamed-average.js';
import { median } from './stats.js';

const PROBE_JOB = 'fan-in-probe';
const PROBE_DELTAS = 8;

/** GB of float32 deltas per second DeltaSum folds (NaN/Inf check included) here, no KV: the median of 5 folds after a warm-up. */
export function sumGbPerSecond(deltas: Float32Array[]): number {
  const fold = () => {
    const sum = new DeltaSum(deltas.length);
    const started = performance.now();
    for (const delta of deltas) sum.add({ delta, samples: 1 });
    return deltas.reduce((n, d) => n + d.byteLength, 0) / 1e9 / ((performance.now() - started) / 1000);
  };
  fold();
  return median(Array.from({ length: 5 }, fold));
}

/**
 * GB of deltas per second the driver's averaging path (`streamedAverage`: KV fetch `fetchAhead` at once, decode,
 * NaN check, fold) takes in this process, on 8 copies of `delta` stored in the weights bucket: the median of 3.
 */
export async function kvFoldGbPerSecond({
  infra,
  delta,
  fetchAhead,
}: {
  infra: Infra;
  delta: Uint8Array;
  fetchAhead: number;
}): Promise<number> {
  const results = Array.from({ length: PROBE_DELTAS }, (_, partition): ResultMessage => {
    const key = deltaKey({ jobId: PROBE_JOB, round: 0, partition, attempt: '1-1' });
    const common = { jobId: PROBE_JOB, kind: 'train', round: 0, partition, workerId: 'probe', attempt: '1-1', backend: 'probe' } as const;
    return { ...common, ok: true, samples: 1, deltaKey: key, deltaEncoding: 'float32', metrics: {}, seconds: 0 };
  });
  try {
    for (const r of results) await infra.blobs.put(r.deltaKey!, delta);
    const rates: number[] = [];
    for (let rep = 0; rep < 3; rep++) {
      const started = performance.now();
      await streamedAverage({ results, round: 0, fetchAhead, get: (key) => infra.blobs.get(key) });
      rates.push((PROBE_DELTAS * delta.byteLength) / 1e9 / ((performance.now() - started) / 1000));
    }
    return median(rates);
  } finally {
    await purgeKvPrefix({ jsm: infra.jsm, bucket: WEIGHTS_BUCKET, prefix: deltasPrefix(PROBE_JOB) });
  }
}
