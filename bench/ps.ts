import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { BaseEnv, loadEnv } from '@tusk/config';
import { formatPushMetrics, jobRecordKey, psPushSubject, WEIGHTS_BUCKET, PUSH_HEADERS, type PushReply } from '@tusk/contracts';
import { Infra } from '@tusk/infra';
import { float32ToBytes } from '@tusk/model';
import { LocalCluster } from '../scripts/cluster/local-cluster.js';
import { startS3Server, type LocalNats, type LocalS3, type ManagedProcess } from '../scripts/local-services/index.js';
import { startBigPayloadNats } from './lib/big-nats.js';
import { breakdown, measureReps, type Measure, type Send, type Size } from './lib/ps-measure.js';
import { asyncJob, echoReady, envInt, randomDelta, spawnEchoResponder } from './lib/ps-setup.js';
import { fmt, table } from './lib/stats.js';

/** nats-server's ceiling; 40 MB deltas (10M float32) travel inline below it, as the worker sends them. */
const MAX_PAYLOAD = 64 * 1024 * 1024;
const ECHO_SUBJECT = 'bench.echo';
const TIMEOUT_MS = 300_000;
const CONCURRENCY = 4;
/**
 * The server's per-client pending limit: four 40 MB pushes in flight overrun nats-server's 64 MB default, which
 * disconnects the parameter server as a slow consumer and leaves the bench waiting out a request timeout.
 */
const DEFAULT_MAX_PENDING_MB = 512;

const SIZES: Size[] = [
  { label: '1m', params: 1_000_000, n: envInt('PS_BENCH_N_1M', 16), reps: envInt('PS_BENCH_REPS', 3) },
  { label: '10m', params: 10_000_000, n: envInt('PS_BENCH_N_10M', 6), reps: envInt('PS_BENCH_REPS', 3) },
];

/**
 * `npm run bench:ps`: pushes/s and MB/s into the parameter server for a 1M- and a 10M-parameter model
 * (asynchronous and hogwild; sequential and 4 in flight), beside a plain NATS request-reply of the same
 * payload to a responder that only acks, on one nats-server (max payload 64 MB), s3rver and one
 * parameter-server process. Then a breakdown of one push's steps timed in this process with the same
 * library calls the parameter server makes. Ends with
 * `RESULT ps params_1m_pushes_per_s=.. params_1m_ratio=.. params_10m_pushes_per_s=.. params_10m_ratio=..`
 * (asynchronous, sequential pushes; ratio = PS pushes/s over raw request-reply/s of the same bytes).
 */
async function bench(): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tusk-bench-ps-'));
  const logPath = join(dataDir, 'services.log');
  const logSink = createWriteStream(logPath, { flags: 'a' });
  let nats: LocalNats | undefined;
  let s3: LocalS3 | undefined;
  let cluster: LocalCluster | undefined;
  let echo: ManagedProcess | undefined;
  let infra: Infra | undefined;
  let nc: NatsConnection | undefined;
  const stopAll = async () => {
    await nc?.close().catch(() => undefined);
    await infra?.close().catch(() => undefined);
    await echo?.stop();
    await cluster?.stop();
    await s3?.process.stop();
    await nats?.process.stop();
    await new Promise<void>((r) => logSink.end(r));
    rmSync(join(dataDir, 'nats'), { recursive: true, force: true });
    rmSync(join(dataDir, 's3'), { recursive: true, force: true });
  };
  const onSignal = () => void stopAll().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    nats = await startBigPayloadNats({
      storeDir: join(dataDir, 'nats'),
      maxPayload: MAX_PAYLOAD,
      maxPendingBytes: Number(process.env.PS_BENCH_MAX_PENDING_MB ?? DEFAULT_MAX_PENDING_MB) * 2 ** 20,
      logSink,
    });
    s3 = await startS3Server({ dataDir: join(dataDir, 's3'), bucket: 'tusk' });
    const env = {
      NATS_URL: nats.url,
      S3_ENDPOINT: s3.endpoint,
      S3_BUCKET: 'tusk',
      S3_ACCESS_KEY: 'S3RVER',
      S3_SECRET_KEY: 'S3RVER',
      LOG_LEVEL: 'warn',
      TUSK_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS),
    };
    infra = await Infra.connect({ name: 'bench-ps', env: loadEnv(BaseEnv, env) });
    cluster = await new LocalCluster({
      dataDir,
      workers: 0,
      natsUrl: nats.url,
      s3Endpoint: s3.endpoint,
      bucket: 'tusk',
      driver: false,
      logSink,
      env,
    }).start();
    const psProcess = cluster.services.find((s) => s.name === 'parameter-server')!.process;
    echo = spawnEchoResponder(nats.url, ECHO_SUBJECT);
    await echoReady(echo);
    nc = await connect({ servers: nats.url, name: 'bench-ps-client' });
    const maxPayload = nc.info?.max_payload ?? 0;
    console.log(
      `ps bench: nats-server ${nc.info?.version} (max payload ${(maxPayload / 2 ** 20).toFixed(0)} MiB, ` +
        `JetStream file store in ${join(dataDir, 'nats')}), s3rver, 1 parameter-server process, ` +
        `1 echo responder process; ${SIZES.map((s) => `${s.label}: ${s.n} requests x ${s.reps} reps`).join(', ')}; ` +
        `service logs in ${logPath}`,
    );
    const kvStream = (await infra.jsm.streams.info(`KV_${WEIGHTS_BUCKET}`)).config;
    console.log(
      `weights bucket stream KV_${WEIGHTS_BUCKET}: storage ${kvStream.storage}, allow_direct ${kvStream.allow_direct ?? false}, ` +
        `max_msg_size ${kvStream.max_msg_size}; blob chunk ${(infra.blobs.chunkBytes / 2 ** 20).toFixed(2)} MiB`,
    );
    const pids = {
      'nats-server': nats.process.child.pid,
      'parameter-server': psProcess.child.pid,
      echo: echo.child.pid,
      bench: process.pid,
    };

    const measures: Measure[] = [];
    const failures: string[] = [];
    let alignedReplies = 0;
    let echoReplies = 0;
    for (const size of SIZES) {
      const delta = randomDelta(size.params);
      const bytes = float32ToBytes(delta);
      const mb = bytes.byteLength / 1e6;
      console.log(`\n== ${size.label}: ${size.params.toLocaleString('en-US')} params, ${mb.toFixed(1)} MB per request`);
      if (bytes.byteLength > maxPayload - 64 * 1024) throw new Error(`${mb} MB does not fit inline under the max payload ${maxPayload}`);

      const measure = async (target: Measure['target'], concurrency: number, send: Send): Promise<boolean> => {
        try {
          await measureOnce(target, concurrency, send);
          return true;
        } catch (err) {
          failures.push(`${size.label} ${target} c=${concurrency}: ${(err as Error).message}`);
          console.log(`  ${target.padEnd(12)} c=${concurrency}: FAILED: ${(err as Error).message}`);
          await new Promise((r) => setTimeout(r, 3_000)); // let a cut-off connection come back
          return false;
        }
      };
      const measureOnce = async (target: Measure['target'], concurrency: number, send: Send) => {
        const m = await measureReps({ size, target, concurrency, mb, pids, send });
        measures.push(m);
        const cpu = Object.entries(m.cpuPerReq)
          .map(([k, v]) => `${k} ${fmt(v * 1000, 0)}`)
          .join(', ');
        console.log(
          `  ${target.padEnd(12)} c=${concurrency}: ${fmt(m.perSecond, 2).padStart(7)} req/s  ${fmt(m.mbPerSecond, 0).padStart(5)} MB/s  ` +
            `latency ${fmt(m.latencyMs, 0)} ms  [reps ${m.reps.map((x) => x.toFixed(2)).join(' ')}]  cpu ms/req: ${cpu}`,
        );
      };

      const conn = nc;
      for (const concurrency of [1, CONCURRENCY]) {
        await measure('raw', concurrency, async () => {
          const reply = (await conn.request(ECHO_SUBJECT, bytes, { timeout: TIMEOUT_MS })).json<{ bytes: number; aligned: boolean }>();
          if (reply.bytes !== bytes.byteLength) throw new Error(`the echo responder got ${reply.bytes} bytes`);
          echoReplies++;
          if (reply.aligned) alignedReplies++;
        });
      }
      for (const mode of ['asynchronous', 'hogwild'] as const) {
        for (const concurrency of [1, CONCURRENCY]) {
          // A fresh job per measurement, set up as the integration test does: record in tusk-jobs, version 0 in tusk-weights.
          const jobId = `bench-${size.label}-${mode}-c${concurrency}`;
          await infra.buckets.jobs.put(jobRecordKey(jobId), JSON.stringify(asyncJob(jobId, mode, size.params)));
          await infra.versions.init(jobId, float32ToBytes(new Float32Array(size.params)));
          let version = 0;
          let pushes = 0;
          // Each lane is one task (its own push stream), with steps 0, 1, 2… as a worker sends them.
          const steps = Array.from({ length: concurrency }, () => 0);
          const ok = await measure(mode, concurrency, async (lane) => {
            const h = natsHeaders();
            h.set(PUSH_HEADERS.baseVersion, String(version));
            h.set(PUSH_HEADERS.workerId, `bench-${concurrency}`);
            h.set(PUSH_HEADERS.partition, String(lane));
            h.set(PUSH_HEADERS.attempt, '1-1');
            h.set(PUSH_HEADERS.task, '0-0');
            h.set(PUSH_HEADERS.step, String(steps[lane]++));
            // As a worker sends them: the parameter server parses these and publishes a 'version' event per push.
            h.set(PUSH_HEADERS.metrics, formatPushMetrics({ loss: 0.4123456, accuracy: 0.875 }));
            const reply = (await conn.request(psPushSubject(jobId), bytes, { timeout: TIMEOUT_MS, headers: h })).json<PushReply>();
            if (reply.error || !reply.accepted || reply.duplicate) throw new Error(`push refused: ${JSON.stringify(reply)}`);
            version = Math.max(version, reply.version);
            pushes++;
          });
          const head = await infra.versions.head(jobId);
          if (!ok) continue;
          const applied = Object.values(head?.ledger ?? {}).reduce((sum, e) => sum + e.applied, 0);
          if (head?.version !== pushes || head.stats?.pushes !== pushes || applied !== pushes)
            throw new Error(
              `job ${jobId}: ${pushes} pushes acknowledged but the head says version ${head?.version}, ${head?.stats?.pushes} ` +
                `pushes, ${applied} applied in its ledger`,
            );
          await infra.versions.prune(head.key).catch(() => undefined);
        }
      }
    }

    console.log(
      `\nmachine: ${cpus().length} cores, load average ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')} (other processes on the machine slow every figure)`,
    );
    console.log('\n== push throughput (median of reps; ratio = PS req/s / raw req/s at the same size and concurrency)');
    const rawOf = (m: Measure) =>
      measures.find((x) => x.size === m.size && x.target === 'raw' && x.concurrency === m.concurrency) ?? { perSecond: Number.NaN };
    console.log(
      table([
        ['size', 'target', 'conc', 'req/s', 'MB/s', 'latency_ms', 'ratio', 'cpu_ms/req nats', 'ps', 'echo', 'client'],
        ...measures.map((m) => [
          m.size,
          m.target,
          m.concurrency,
          fmt(m.perSecond, 2),
          fmt(m.mbPerSecond, 0),
          fmt(m.latencyMs, 0),
          m.target === 'raw' ? '1' : fmt(m.perSecond / rawOf(m).perSecond, 3),
          fmt(m.cpuPerReq['nats-server'] * 1000, 0),
          fmt(m.cpuPerReq['parameter-server'] * 1000, 0),
          fmt(m.cpuPerReq.echo * 1000, 0),
          fmt(m.cpuPerReq.bench * 1000, 0),
        ]),
      ]),
    );
    for (const f of failures) console.log(`FAILED ${f}`);
    console.log(
      `request bodies that arrived 4-byte aligned at a nats.js responder: ${alignedReplies}/${echoReplies} (unaligned ones are ` +
        `copied by bytesToFloat32)`,
    );

    console.log("\n== where a push goes: the parameter server's steps timed in this process with the same calls (median ms of 5)");
    const steps = await breakdown(infra, nc, SIZES, { echoSubject: ECHO_SUBJECT, timeoutMs: TIMEOUT_MS });
    console.log(
      table([['step', ...SIZES.map((s) => `${s.label} ms`)], ...steps.map((row) => [row.step, ...row.ms.map((v) => fmt(v, 1))])]),
    );

    const pick = (label: string) => {
      const m = measures.find((x) => x.size === label && x.target === 'asynchronous' && x.concurrency === 1);
      if (!m) return { perSecond: Number.NaN, ratio: Number.NaN };
      return { perSecond: m.perSecond, ratio: m.perSecond / rawOf(m).perSecond };
    };
    const m1 = pick('1m');
    const m10 = pick('10m');
    console.log(
      `\nRESULT ps params_1m_pushes_per_s=${fmt(m1.perSecond, 2)} params_1m_ratio=${fmt(m1.ratio, 3)} ` +
        `params_10m_pushes_per_s=${fmt(m10.perSecond, 2)} params_10m_ratio=${fmt(m10.ratio, 3)}`,
    );
    return 0;
  } finally {
    await stopAll();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

try {
  process.exitCode = await bench();
} catch (err) {
  console.error(`ps bench failed: ${(err as Error).stack ?? err}`);
  process.exitCode = 1;
}
