import type { NatsConnection } from '@nats-io/transport-node';
import { pushStreamKey, weightsHeadKey, type AppliedPushes, type PushStats, type TrainingMode } from '@tusk/contracts';
import type { Infra } from '@tusk/infra';
import { applyDelta, bytesToFloat32, float32ToBytes, hasNonFinite } from '@tusk/model';
import { cpuMeter } from './proc-cpu.js';
import { randomDelta } from './ps-setup.js';
import { median } from './stats.js';

export interface Size {
  label: string;
  params: number;
  /** Requests per repetition. */
  n: number;
  reps: number;
}

export interface Measure {
  size: string;
  target: 'raw' | TrainingMode;
  concurrency: number;
  perSecond: number;
  mbPerSecond: number;
  /** Median seconds per request as seen by one requester lane. */
  latencyMs: number;
  cpuPerReq: Record<string, number>;
  reps: number[];
}

/** Sends one request from lane `lane` (0 … concurrency-1) and resolves when the reply is in. */
export type Send = (lane: number) => Promise<void>;

/**
 * Runs `n` requests with `concurrency` lanes and returns requests/s and the median per-request latency.
 * Each lane waits for its reply before its next request, as a worker does with its pushes.
 */
export async function drive(n: number, concurrency: number, send: Send): Promise<{ perSecond: number; latencyMs: number }> {
  let issued = 0;
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, lane) => {
      while (issued < n) {
        issued++;
        const t = performance.now();
        await send(lane);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: n / seconds, latencyMs: median(latencies) };
}

/**
 * One measurement: two warm-up requests (for the PS, loading the job), then `size.reps` repetitions of
 * `size.n` requests with `concurrency` lanes, each with the CPU every process in `pids` used per request.
 */
export async function measureReps({
  size,
  target,
  concurrency,
  mb,
  pids,
  send,
}: {
  size: Size;
  target: Measure['target'];
  concurrency: number;
  /** MB per request. */
  mb: number;
  pids: Record<string, number | undefined>;
  send: Send;
}): Promise<Measure> {
  for (let i = 0; i < 2; i++) await send(0); // warm-up (and, for the PS, loading the job)
  const reps: number[] = [];
  const latencies: number[] = [];
  const cpu: Record<string, number[]> = {};
  for (let r = 0; r < size.reps; r++) {
    const meter = cpuMeter(pids);
    const { perSecond, latencyMs } = await drive(size.n, concurrency, send);
    for (const [k, v] of Object.entries(meter())) (cpu[k] ??= []).push(v / size.n);
    reps.push(perSecond);
    latencies.push(latencyMs);
  }
  const perSecond = median(reps);
  return {
    size: size.label,
    target,
    concurrency,
    perSecond,
    mbPerSecond: perSecond * mb,
    latencyMs: median(latencies),
    reps,
    cpuPerReq: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, median(v)])),
  };
}

const benchStats = (version: number): PushStats => ({ pushes: version, stale: 3, rejected: 1, scaled: 2, duplicates: 1, busy: 0, version });

/** A ledger as a long job leaves it: `streams` tasks, each a few thousand steps in. */
function benchLedger(streams: number, version: number): Record<string, AppliedPushes> {
  return Object.fromEntries(
    Array.from({ length: streams }, (_, p) => [
      pushStreamKey({ partition: p, task: `${p}-0` }),
      { step: 4321, applied: 4320, reply: { accepted: true, version: version + p, staleness: 3, scale: 1 } },
    ]),
  );
}

/**
 * One asynchronous push, step by step, as JobWeights and PushService do it (decode, NaN check, applyDelta,
 * chunked blob write of the whole weights, compare-and-set of the head, pruning the previous version),
 * plus the hogwild extras (in-place add into weights and pending, two full copies per flush) and the
 * transport alone; each timed on its own against the same nats-server.
 */
export async function breakdown(
  infra: Infra,
  nc: NatsConnection,
  sizes: Size[],
  { echoSubject, timeoutMs }: { echoSubject: string; timeoutMs: number },
): Promise<{ step: string; ms: number[] }[]> {
  const REPS = 5;
  const rows = new Map<string, number[]>();
  const add = (step: string, i: number, ms: number) => {
    const r = rows.get(step) ?? [];
    r[i] = ms;
    rows.set(step, r);
  };
  const time = async (fn: () => unknown | Promise<unknown>): Promise<number> => {
    const xs: number[] = [];
    for (let r = 0; r < REPS; r++) {
      const t = performance.now();
      await fn();
      xs.push(performance.now() - t);
    }
    return median(xs);
  };
  for (const [i, size] of sizes.entries()) {
    const delta = randomDelta(size.params);
    const bytes = float32ToBytes(delta);
    const weights = new Float32Array(size.params);
    const jobId = `bench-steps-${size.label}`;
    // Unaligned view, as a NATS message body usually is: bytesToFloat32 then copies.
    const shifted = new Uint8Array(bytes.byteLength + 1);
    shifted.set(bytes, 1);
    const unaligned = shifted.subarray(1);
    add('transport: request-reply to the echo responder', i, await time(() => nc.request(echoSubject, bytes, { timeout: timeoutMs })));
    add('decode: bytesToFloat32 (unaligned body, copy)', i, await time(() => bytesToFloat32(unaligned)));
    add('check: hasNonFinite', i, await time(() => hasNonFinite(delta)));
    add('apply: applyDelta (new array)', i, await time(() => applyDelta(weights, delta, 1)));
    add(
      'hogwild: in-place add to weights + pending',
      i,
      await time(() => {
        const pending = new Float32Array(size.params);
        for (let k = 0; k < weights.length; k++) {
          const s = delta[k];
          weights[k] += s;
          pending[k] += s;
        }
      }),
    );
    add('hogwild: pending.slice() + weights.slice()', i, await time(() => [weights.slice(), weights.slice()]));
    await infra.versions.init(jobId, bytes);
    let revision = (await infra.versions.head(jobId))!.revision;
    const keys: string[] = [];
    let v = 0;
    add(
      'persist: blobs.put of the whole weights (chunked KV puts)',
      i,
      await time(async () => {
        const key = `w.${jobId}.x${v++}`;
        await infra.blobs.put(key, bytes);
        keys.push(key);
      }),
    );
    add(
      'persist: kv.update of the head (CAS)',
      i,
      await time(async () => {
        revision = await infra.buckets.weights.update(weightsHeadKey(jobId), JSON.stringify({ version: v, key: keys[0] }), revision);
      }),
    );
    // What the parameter server writes now: the head with its stats and the push ledger (one entry per task).
    for (const streams of [4, 256]) {
      const head = JSON.stringify({ version: v, key: keys[0], stats: benchStats(1000), ledger: benchLedger(streams, 1000) });
      const added = JSON.stringify({ stats: benchStats(1000), ledger: benchLedger(streams, 1000) }).length;
      add(
        `persist: kv.update of the head + stats + ledger of ${streams} streams (+${added} B)`,
        i,
        await time(async () => {
          revision = await infra.buckets.weights.update(weightsHeadKey(jobId), head, revision);
        }),
      );
    }
    add(
      'persist: versions.commit (put + CAS, as one push)',
      i,
      await time(async () => {
        const r = await infra.versions.commit({ jobId, version: ++v, bytes, expectedRevision: revision });
        revision = r.revision;
        keys.push(r.key);
      }),
    );
    add(
      'prune: blobs.delete of the previous version',
      i,
      await time(async () => {
        await infra.blobs.delete(keys.shift()!);
      }),
    );
    add('pull: versions.read (what a worker pulls)', i, await time(() => infra.versions.read(jobId)));
    const chunk = bytes.subarray(0, Math.min(bytes.byteLength, infra.blobs.chunkBytes));
    add(
      `  one kv.put of a ${(chunk.byteLength / 2 ** 20).toFixed(0)} MiB chunk`,
      i,
      await time(() => infra.buckets.weights.put(`bench.chunk.${size.label}`, chunk)),
    );
    add(
      '  core publish + flush of the whole payload (no reply)',
      i,
      await time(async () => {
        nc.publish('bench.sink', bytes);
        await nc.flush();
      }),
    );
    for (const k of keys) await infra.blobs.delete(k).catch(() => undefined);
  }
  return [...rows].map(([step, ms]) => ({ step, ms }));
}
