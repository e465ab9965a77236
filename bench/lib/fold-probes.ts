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

/** The probe's results: 8 copies of one delta under the weights bucket's delta keys of job `fan-in-probe`. */
function probeResults(): ResultMessage[] {
  return Array.from({ length: PROBE_DELTAS }, (_, partition): ResultMessage => {
    const key = deltaKey({ jobId: PROBE_JOB, round: 0, partition, attempt: '1-1' });
    const common = { jobId: PROBE_JOB, kind: 'train', round: 0, partition, workerId: 'probe', attempt: '1-1', backend: 'probe' } as const;
    return { ...common, ok: true, samples: 1, deltaKey: key, deltaEncoding: 'float32', metrics: {}, seconds: 0 };
  });
}

export interface ProbeRate {
  /** GB of deltas per second: the median of 3 repetitions. */
  gbPerS: number;
  /** CPU seconds this process (all its threads) spent per GB of deltas over the 3 repetitions. */
  cpuSPerGb: number;
}

/** A probe over 8 copies of `delta`, taking `fetchAhead` of them at once as the driver does. */
interface ProbeInput {
  infra: Infra;
  delta: Uint8Array;
  fetchAhead: number;
}

/** Stores the probe's deltas, runs `rep` 3 times and measures how fast it went through them; purges them after. */
async function overStoredDeltas(
  { infra, delta }: { infra: Infra; delta: Uint8Array },
  rep: (results: ResultMessage[]) => Promise<unknown>,
): Promise<ProbeRate> {
  const results = probeResults();
  try {
    for (const r of results) await infra.blobs.put(r.deltaKey!, delta);
    const gb = (PROBE_DELTAS * delta.byteLength) / 1e9;
    const rates: number[] = [];
    const cpu = process.cpuUsage();
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      await rep(results);
      rates.push(gb / ((performance.now() - started) / 1000));
    }
    const { user, system } = process.cpuUsage(cpu);
    return { gbPerS: median(rates), cpuSPerGb: (user + system) / 1e6 / (3 * gb) };
  } finally {
    await purgeKvPrefix({ jsm: infra.jsm, bucket: WEIGHTS_BUCKET, prefix: deltasPrefix(PROBE_JOB) });
  }
}

/**
 * The ceiling of the driver's averaging path: GB of deltas per second this process only fetches from the KV
 * (BlobStore.get, `fetchAhead` at once, as streamedAverage does), with no decode, check or sum.
 */
export function kvFetchGbPerSecond({ infra, delta, fetchAhead }: ProbeInput): Promise<ProbeRate> {
  return overStoredDeltas({ infra, delta }, async (results) => {
    let next = 0;
    const lane = async () => {
      while (next < results.length) await infra.blobs.get(results[next++].deltaKey!);
    };
    await Promise.all(Array.from({ length: fetchAhead }, lane));
  });
}

/**
 * GB of deltas per second the driver's averaging path (`streamedAverage`: KV fetch `fetchAhead` at once, decode,
 * NaN check, fold) takes in this process, on 8 copies of `delta` stored in the weights bucket: the median of 3.
 */
export function kvFoldGbPerSecond({ infra, delta, fetchAhead }: ProbeInput): Promise<ProbeRate> {
  return overStoredDeltas({ infra, delta }, (results) =>
    streamedAverage({ results, round: 0, fetchAhead, get: (key) => infra.blobs.get(key) }),
  );
}
