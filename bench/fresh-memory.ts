import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { BlobStore } from '@tusk/messaging';
import { MALLOC_ENV } from '../scripts/cluster/malloc-env.js';
import { startBigPayloadNats } from './lib/big-nats.js';
import { fmt, loadNote, median } from './lib/stats.js';

const MAX_PAYLOAD = 8 * 1024 * 1024;
const PARAMS = 10_000_000;
const BUCKET = 'fresh-memory';

interface Probe {
  firstTouchMsPerMb: number;
  copyTouchedMsPerMb: number;
  roundMs: number;
  blobGetGbPerS: number;
}

/** In the child: what fresh memory costs in this process, under whatever malloc settings it was started with. */
async function probe(natsUrl: string): Promise<Probe> {
  const mb = (4 * 47_000_000) / 1e6;
  let started = performance.now();
  const fresh = new Float32Array(47_000_000);
  for (let i = 0; i < fresh.length; i += 1024) fresh[i] = 1;
  const firstTouchMsPerMb = (performance.now() - started) / mb;
  const touched = new Float32Array(fresh.length).fill(0);
  started = performance.now();
  touched.set(fresh);
  const copyTouchedMsPerMb = (performance.now() - started) / mb;
  // A synchronous round's driver buffers at 10M parameters: the float64 running sum, one delta folded, one 40 MB blob.
  const delta = new Float32Array(PARAMS).fill(0.5);
  const rounds: number[] = [];
  for (let r = 0; r < 6; r++) {
    started = performance.now();
    const sum = new Float64Array(PARAMS);
    for (let i = 0; i < PARAMS; i++) sum[i] += delta[i] * 0.25;
    new Uint8Array(4 * PARAMS).set(new Uint8Array(delta.buffer));
    rounds.push(performance.now() - started);
  }
  const nc = await connect({ servers: natsUrl });
  try {
    const store = new BlobStore(await new Kvm(nc).open(BUCKET), MAX_PAYLOAD);
    const rates: number[] = [];
    for (let r = 0; r < 5; r++) {
      started = performance.now();
      for (let k = 0; k < 4; k++) await store.get('delta');
      rates.push((4 * 4 * PARAMS) / 1e9 / ((performance.now() - started) / 1000));
    }
    return { firstTouchMsPerMb, copyTouchedMsPerMb, roundMs: median(rounds.slice(2)), blobGetGbPerS: median(rates) };
  } finally {
    await nc.close();
  }
}

function runChild(natsUrl: string, env: NodeJS.ProcessEnv): Promise<Probe> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [fileURLToPath(import.meta.url), natsUrl], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.on('error', reject);
    proc.on('exit', (code) => {
      const line = /^PROBE (.*)$/m.exec(out)?.[1];
      if (code === 0 && line) resolve(JSON.parse(line) as Probe);
      else reject(new Error(`probe exited with ${code}: ${out.trim()}`));
    });
  });
}

/**
 * `npm run bench:fresh-memory`: why the apps start with MALLOC_ENV (scripts/cluster/malloc-env.ts). The same probe
 * runs in a process with glibc's default malloc and in one with MALLOC_ENV: the first touch of a fresh 188 MB array
 * against a copy into touched memory (ms per MB), a 10M-parameter driver round's buffers (a new float64 sum with one
 * delta folded in and a new 40 MB blob: the median of rounds 3–6), and BlobStore.get of a 40 MB blob from a local
 * nats-server (the median of 5 × 4 gets). Ends with a RESULT line.
 */
async function bench(): Promise<void> {
  const storeDir = mkdtempSync(join(tmpdir(), 'tusk-fresh-memory-'));
  const nats = await startBigPayloadNats({ storeDir, maxPayload: MAX_PAYLOAD });
  try {
    const nc = await connect({ servers: nats.url });
    const store = new BlobStore(await new Kvm(nc).create(BUCKET, { history: 1, allow_direct: true }), MAX_PAYLOAD);
    await store.put('delta', new Uint8Array(4 * PARAMS).fill(7));
    await nc.close();
    console.log(`fresh-memory: ${await loadNote()}`);
    const defaults = { ...process.env };
    for (const name of Object.keys(MALLOC_ENV)) delete defaults[name];
    const plain = await runChild(nats.url, defaults);
    const tuned = await runChild(nats.url, { ...process.env, ...MALLOC_ENV });
    for (const [name, p] of [
      ['glibc defaults', plain],
      ['MALLOC_ENV', tuned],
    ] as const)
      console.log(
        `${name}: first touch ${fmt(p.firstTouchMsPerMb, 2)} ms/MB, copy into touched ${fmt(p.copyTouchedMsPerMb, 3)} ms/MB, ` +
          `round buffers ${fmt(p.roundMs, 0)} ms, blob get ${fmt(p.blobGetGbPerS, 2)} GB/s`,
      );
    console.log(
      `RESULT fresh-memory first_touch_ms_per_mb=${fmt(plain.firstTouchMsPerMb, 2)} round_ms_default=${fmt(plain.roundMs, 0)} ` +
        `round_ms_malloc=${fmt(tuned.roundMs, 0)} blob_get_gbps_default=${fmt(plain.blobGetGbPerS, 2)} ` +
        `blob_get_gbps_malloc=${fmt(tuned.blobGetGbPerS, 2)}`,
    );
  } finally {
    await nats.process.stop();
    rmSync(storeDir, { recursive: true, force: true });
  }
}

if (process.argv[2]) console.log(`PROBE ${JSON.stringify(await probe(process.argv[2]))}`);
else await bench();
