import { spawn, type ChildProcess } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { BaseEnv } from '@tusk/config';
import { WEIGHTS_BUCKET } from '@tusk/contracts';
import { Infra } from '@tusk/infra';
import { startNatsServer, startS3Server, type LocalNats, type LocalS3 } from '../scripts/local-services/index.js';
import { VariantBlobStore, type VariantOptions } from './lib/blob-variant.js';
import { cpuMeter } from './lib/proc-cpu.js';
import { fmt, loadNote, median, table } from './lib/stats.js';

/**
 * `npm run bench:transfer`: how fast weights move through NATS, against NATS itself, in one run.
 * Own nats-server (default 1 MiB max payload, as in production) and s3rver; Infra.connect as a service does.
 *   pull  = infra.blobs.get of a 4 MB (1M float32 parameters) / 40 MB (10M) blob from the tusk-weights KV bucket
 *   push  = infra.blobs.put of the same bytes (a fresh key each time, as every round writes a new version)
 *   raw   = the same bytes in BlobStore's chunk size as core NATS requests to a responder process that
 *           replies a 2-byte ack, 8 in flight (BlobStore's parallelism): the ceiling for moving the bytes
 *   raw pull = small requests answered with a chunk each, 8 in flight (the mirror image, for the pull)
 *   js publish = the same chunks published to a plain file-backed JetStream stream, 8 in flight
 * MB/s = 1e6 bytes per second, medians of TRANSFER_REPS (5) repetitions, interleaved. Then variants of the
 * blob store (chunk size, parallelism, a streamed read) on the 40 MB blob to see where the time goes.
 * Ends with `RESULT transfer pull_1m_mbps=.. push_1m_mbps=.. pull_10m_mbps=.. push_10m_mbps=.. raw_mbps=..
 * pull_ratio=.. push_ratio=..` (raw and the ratios for the 10M model).
 */

const REPS = Number(process.env.TRANSFER_REPS ?? 5);
const TARGET = 0.7;
const PARALLEL = 8;
const SIZES = [
  { name: '1m', params: 1_000_000 },
  { name: '10m', params: 10_000_000 },
];
const RAW_PREFIX = 'bench.raw';
const RAW_STREAM = 'BENCH_RAW';

type Op = () => Promise<void>;

interface Measured {
  seconds: number[];
  cpuBench: number[];
  cpuNats: number[];
  cpuResponder: number[];
}

async function inParallel(count: number, parallel: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, count) }, async () => {
      while (next < count) await fn(next++);
    }),
  );
}

async function bench(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'tusk-transfer-'));
  let nats: LocalNats | undefined;
  let s3: LocalS3 | undefined;
  let responder: ChildProcess | undefined;
  let infra: Infra | undefined;
  try {
    nats = await startNatsServer({ storeDir: join(dir, 'nats') });
    s3 = await startS3Server({ dataDir: join(dir, 's3'), bucket: 'tusk' });
    const env: BaseEnv = Object.assign(new BaseEnv(), { NATS_URL: nats.url, S3_ENDPOINT: s3.endpoint, S3_BUCKET: 'tusk' });
    // The extra fields keep this working with Infra.connect before and after the task settings moved into env.
    infra = await Infra.connect({ name: 'bench-transfer', env } as Parameters<typeof Infra.connect>[0]);
    const { nc, js, jsm } = infra;
    const blobs = infra.blobs;
    const chunkBytes = blobs.chunkBytes;
    const maxPayload = nc.info?.max_payload ?? 0;
    const kvInfo = await jsm.streams.info(`KV_${WEIGHTS_BUCKET}`);
    console.log(
      `transfer: nats-server ${nc.info?.version} max_payload ${maxPayload} B; BlobStore chunk ${chunkBytes} B, ` +
        `${PARALLEL} in flight; KV_${WEIGHTS_BUCKET}: ${kvInfo.config.storage} storage, history ${kvInfo.config.max_msgs_per_subject}, ` +
        `allow_direct ${kvInfo.config.allow_direct}; ${REPS} repetitions`,
    );
    console.log(`start: ${await loadNote()}`);

    responder = spawn(
      process.execPath,
      [join(dirname(fileURLToPath(import.meta.url)), 'lib', 'ack-responder.js'), nats.url, RAW_PREFIX, String(chunkBytes)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: responder!.stdout! }).once('line', (l) => (l === 'ready' ? resolve() : reject(new Error(l))));
      responder!.once('exit', (c) => reject(new Error(`responder exited ${c}`)));
    });
    await jsm.streams.add({
      name: RAW_STREAM,
      subjects: [`${RAW_PREFIX}.js.>`],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      max_msgs_per_subject: 1,
    });

    const pids = { bench: process.pid, nats: nats.process.child.pid, responder: responder.pid };
    const measure = async (m: Measured, op: Op, before?: Op, after?: Op) => {
      await before?.();
      const meter = cpuMeter(pids);
      const t0 = performance.now();
      await op();
      const s = (performance.now() - t0) / 1000;
      const cpu = meter();
      m.seconds.push(s);
      m.cpuBench.push(cpu.bench);
      m.cpuNats.push(cpu.nats);
      m.cpuResponder.push(cpu.responder);
      await after?.();
    };
    const fresh = (): Measured => ({ seconds: [], cpuBench: [], cpuNats: [], cpuResponder: [] });

    // Raw core NATS, same chunks, 8 in flight.
    const rawPush = (data: Uint8Array) =>
      inParallel(Math.ceil(data.byteLength / chunkBytes), PARALLEL, (i) =>
        nc.request(`${RAW_PREFIX}.push`, data.subarray(i * chunkBytes, (i + 1) * chunkBytes), { timeout: 30_000 }),
      );
    const rawPull = (data: Uint8Array) => {
      const out = new Uint8Array(data.byteLength);
      return inParallel(Math.ceil(data.byteLength / chunkBytes), PARALLEL, async (i) => {
        const r = await nc.request(`${RAW_PREFIX}.pull`, undefined, { timeout: 30_000 });
        out.set(r.data.subarray(0, Math.min(chunkBytes, data.byteLength - i * chunkBytes)), i * chunkBytes);
      });
    };
    const jsPublish = (data: Uint8Array, tag: string) =>
      inParallel(Math.ceil(data.byteLength / chunkBytes), PARALLEL, (i) =>
        js.publish(`${RAW_PREFIX}.js.${tag}.c${i}`, data.subarray(i * chunkBytes, (i + 1) * chunkBytes)),
      );

    const results: Record<string, Record<string, Measured>> = {};
    const MB = (bytes: number) => bytes / 1e6;
    for (const size of SIZES) {
      const data = new Uint8Array(size.params * 4);
      randomFillSync(data);
      const r: Record<string, Measured> = { pull: fresh(), push: fresh(), raw: fresh(), rawPull: fresh(), jsPublish: fresh() };
      results[size.name] = r;
      const pullKey = `bench.pull.${size.name}`;
      await blobs.put(pullKey, data);
      const check = await blobs.get(pullKey);
      if (check.byteLength !== data.byteLength || check[12345] !== data[12345] || check[data.byteLength - 1] !== data[data.byteLength - 1])
        throw new Error('blob round trip mismatch');
      // warm-up of every path (connections, consumers, JIT)
      await rawPush(data);
      await rawPull(data);
      await jsPublish(data, 'warm');
      await jsm.streams.purge(RAW_STREAM);
      for (let rep = 0; rep < REPS; rep++) {
        await measure(r.pull, async () => {
          await blobs.get(pullKey);
        });
        const pushKey = `bench.push.${size.name}.${rep}`;
        await measure(
          r.push,
          () => blobs.put(pushKey, data),
          undefined,
          () => blobs.delete(pushKey),
        );
        await measure(r.raw, () => rawPush(data));
        await measure(r.rawPull, () => rawPull(data));
        await measure(
          r.jsPublish,
          () => jsPublish(data, `${size.name}.${rep}`),
          undefined,
          async () => {
            await jsm.streams.purge(RAW_STREAM);
          },
        );
      }
      await blobs.delete(pullKey);
      const mbps = (m: Measured) => MB(data.byteLength) / median(m.seconds);
      console.log(
        `\n== ${size.name.toUpperCase()} parameters: ${MB(data.byteLength).toFixed(0)} MB ` +
          `in ${Math.ceil(data.byteLength / chunkBytes)} chunks (${await loadNote()})`,
      );
      const rows: (string | number)[][] = [
        ['path', 'median s', 'MB/s', 'vs raw', 'CPU s bench', 'CPU s nats', 'CPU s responder', 'each rep (s)'],
      ];
      for (const [name, label] of [
        ['pull', 'pull: BlobStore.get'],
        ['push', 'push: BlobStore.put'],
        ['raw', 'raw: core request, ack reply'],
        ['rawPull', 'raw pull: core request, chunk reply'],
        ['jsPublish', 'raw JetStream publish'],
      ] as const) {
        const m = r[name];
        rows.push([
          label,
          fmt(median(m.seconds), 3),
          fmt(mbps(m), 0),
          fmt(mbps(m) / mbps(r.raw), 2),
          fmt(median(m.cpuBench), 2),
          fmt(median(m.cpuNats), 2),
          fmt(median(m.cpuResponder), 2),
          m.seconds.map((s) => s.toFixed(3)).join(' '),
        ]);
      }
      console.log(table(rows));
    }

    // Variants on the 40 MB blob: what chunk size, parallelism and the read path cost.
    const big = new Uint8Array(SIZES[1].params * 4);
    randomFillSync(big);
    const variants: { label: string; opts: VariantOptions }[] = [
      { label: `as BlobStore (${chunkBytes} B, ${PARALLEL} in flight, kv get)`, opts: { chunkBytes, parallel: PARALLEL, pull: 'kv-get' } },
      { label: `${chunkBytes} B, 2 in flight`, opts: { chunkBytes, parallel: 2, pull: 'kv-get' } },
      { label: `${chunkBytes} B, 16 in flight`, opts: { chunkBytes, parallel: 16, pull: 'kv-get' } },
      { label: `${chunkBytes} B, 64 in flight (all)`, opts: { chunkBytes, parallel: 64, pull: 'kv-get' } },
      { label: '256 KiB, 8 in flight', opts: { chunkBytes: 256 * 1024, parallel: 8, pull: 'kv-get' } },
      { label: '256 KiB, 32 in flight', opts: { chunkBytes: 256 * 1024, parallel: 32, pull: 'kv-get' } },
      { label: '128 KiB, 32 in flight', opts: { chunkBytes: 128 * 1024, parallel: 32, pull: 'kv-get' } },
      { label: `${chunkBytes} B, 8 in flight, streamed read (ordered consumer)`, opts: { chunkBytes, parallel: PARALLEL, pull: 'stream' } },
      { label: '256 KiB, 32 in flight, streamed read', opts: { chunkBytes: 256 * 1024, parallel: 32, pull: 'stream' } },
      { label: '128 KiB, 32 in flight, streamed read', opts: { chunkBytes: 128 * 1024, parallel: 32, pull: 'stream' } },
    ];
    const rawBig = fresh();
    const vr = variants.map(() => ({ get: fresh(), put: fresh() }));
    const stores = variants.map((v) => new VariantBlobStore(infra!.buckets.weights, js, WEIGHTS_BUCKET, v.opts));
    for (let v = 0; v < stores.length; v++) {
      await stores[v].put(`bench.var.warm.${v}`, big);
      await stores[v].get(`bench.var.warm.${v}`);
      await stores[v].delete(`bench.var.warm.${v}`);
    }
    for (let rep = 0; rep < REPS; rep++) {
      await measure(rawBig, () => rawPush(big));
      for (let v = 0; v < stores.length; v++) {
        const key = `bench.var.${v}.${rep}`;
        await measure(vr[v].put, () => stores[v].put(key, big));
        await measure(vr[v].get, async () => {
          const out = await stores[v].get(key);
          if (out[777] !== big[777] || out[out.length - 1] !== big[big.length - 1]) throw new Error(`variant ${v} read back wrong bytes`);
        });
        await stores[v].delete(key);
      }
    }
    const rawBigMbps = MB(big.byteLength) / median(rawBig.seconds);
    console.log(
      `\n== blob store variants, 40 MB, ${REPS} repetitions, medians; ` +
        `raw core request/ack in the same loop ${fmt(rawBigMbps, 0)} MB/s (${await loadNote()})`,
    );
    const vrows: (string | number)[][] = [
      ['variant', 'push MB/s', 'push/raw', 'pull MB/s', 'pull/raw', 'push CPU bench/nats', 'pull CPU bench/nats'],
    ];
    variants.forEach((v, i) => {
      const p = MB(big.byteLength) / median(vr[i].put.seconds);
      const g = MB(big.byteLength) / median(vr[i].get.seconds);
      vrows.push([
        v.label,
        fmt(p, 0),
        fmt(p / rawBigMbps, 2),
        fmt(g, 0),
        fmt(g / rawBigMbps, 2),
        `${fmt(median(vr[i].put.cpuBench), 2)}/${fmt(median(vr[i].put.cpuNats), 2)}`,
        `${fmt(median(vr[i].get.cpuBench), 2)}/${fmt(median(vr[i].get.cpuNats), 2)}`,
      ]);
    });
    console.log(table(vrows));

    const mb = (name: string, path: string) => MB(SIZES.find((s) => s.name === name)!.params * 4) / median(results[name][path].seconds);
    const raw = mb('10m', 'raw');
    const pullRatio = mb('10m', 'pull') / raw;
    const pushRatio = mb('10m', 'push') / raw;
    console.log(`\nend: ${await loadNote()}`);
    console.log(
      `target >= ${TARGET} of raw (10M): pull ${pullRatio >= TARGET ? 'met' : 'NOT met'} (${pullRatio.toFixed(2)}), ` +
        `push ${pushRatio >= TARGET ? 'met' : 'NOT met'} (${pushRatio.toFixed(2)})`,
    );
    console.log(
      `RESULT transfer pull_1m_mbps=${mb('1m', 'pull').toFixed(0)} push_1m_mbps=${mb('1m', 'push').toFixed(0)} ` +
        `pull_10m_mbps=${mb('10m', 'pull').toFixed(0)} push_10m_mbps=${mb('10m', 'push').toFixed(0)} raw_mbps=${raw.toFixed(0)} ` +
        `pull_ratio=${pullRatio.toFixed(2)} push_ratio=${pushRatio.toFixed(2)}`,
    );
    return 0;
  } finally {
    await jsmCleanup(infra);
    await infra?.close();
    responder?.kill('SIGTERM');
    await s3?.process.stop();
    await nats?.process.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function jsmCleanup(infra: Infra | undefined): Promise<void> {
  await infra?.jsm.streams.delete(RAW_STREAM).catch(() => undefined);
}

try {
  process.exitCode = await bench();
} catch (err) {
  console.error(`transfer failed: ${(err as Error).stack ?? err}`);
  process.exitCode = 1;
}
