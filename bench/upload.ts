import { createReadStream, createWriteStream, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { seededRandom } from '@tusk/data';
import { benchCluster, runMain } from './lib/bench-cluster.js';
import { procStatusMb, resetPeakRss, rssSampler } from './lib/proc-memory.js';
import { fmt, loadNote, median, spread, table } from './lib/stats.js';

/**
 * `npm run bench:upload`: the driver's peak memory while it takes a ~1 GiB CSV upload (Fashion-MNIST layout: a label
 * column and 784 pixel columns of 0..255) and partitions it. A real driver process (LocalCluster, no workers) gets the
 * file as multipart, streamed from disk; its RSS is sampled from /proc every 20 ms and its VmHWM reset before each
 * repetition, from the first byte sent to the manifest received. UPLOAD_REPS (5) repetitions, UPLOAD_MB (1024) MB.
 * Ends with `RESULT upload peak_rss_mb=.. file_mb=.. mb_per_s=.. bound_mb=300` (medians).
 * The previous path (multer memory storage, whole-file parse) could not take a file this size on a laptop: it was
 * measured at 1.58 GB peak RSS for the 133 MB Fashion-MNIST CSV (issue 12), which is what the baseline line scales.
 */

const REPS = Number(process.env.UPLOAD_REPS ?? 5);
const FILE_MB = Number(process.env.UPLOAD_MB ?? 1024);
const BOUND_MB = 300;
const PARTITIONS = 8;
/** The buffered path, as measured in issue 12: 133 MB CSV, RSS 157 MB idle, 1.58 GB peak. */
const OLD = { fileMb: 133, idleMb: 157, peakMb: 1580 };

/** Writes a CSV of about `mb` MB: 70% zero pixels like Fashion-MNIST, rows drawn from a seeded pool so it is quick to make. */
async function writeCsv(path: string, mb: number): Promise<number> {
  const random = seededRandom(12);
  const pool = Array.from({ length: 512 }, () => {
    const pixels = Array.from({ length: 784 }, () => (random() < 0.7 ? 0 : 1 + Math.floor(random() * 255)));
    return `${Math.floor(random() * 10)},${pixels.join(',')}\n`;
  });
  const out = createWriteStream(path);
  out.write(`label,${Array.from({ length: 784 }, (_, i) => `pixel${i + 1}`).join(',')}\n`);
  let bytes = 0;
  let rows = 0;
  while (bytes < mb * 1e6) {
    let chunk = '';
    for (let i = 0; i < 2000 && bytes < mb * 1e6; i++, rows++) {
      const row = pool[Math.floor(random() * pool.length)];
      chunk += row;
      bytes += row.length;
    }
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  out.end();
  await finished(out);
  return rows;
}

/** POSTs the file as multipart/form-data, streamed from disk; resolves with the status and body. */
function postCsv(url: string, path: string): Promise<{ status: number; body: string }> {
  const boundary = `tuskBench${Date.now()}`;
  const field = (name: string, value: string) => `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const head =
    field('format', 'csv') +
    field('labelColumns', 'label') +
    field('partitions', String(PARTITIONS)) +
    field('name', 'bench-upload') +
    `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="fashion.csv"\r\ncontent-type: text/csv\r\n\r\n`;
  const tail = `\r\n--${boundary}--\r\n`;
  const length = Buffer.byteLength(head) + statSync(path).size + Buffer.byteLength(tail);
  return new Promise((resolve, reject) => {
    const req = request(`${url}/datasets`, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': length },
    });
    req.on('response', (res) => {
      let body = '';
      res
        .setEncoding('utf8')
        .on('data', (c) => (body += c))
        .on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.write(head);
    const file = createReadStream(path, { highWaterMark: 1 << 20 });
    file.on('error', reject);
    file.on('end', () => req.end(tail));
    file.pipe(req, { end: false });
  });
}

async function main(): Promise<number> {
  const bc = benchCluster('tusk-upload-', {
    workers: 0,
    env: { TUSK_BACKEND: 'cpu', TUSK_MAX_UPLOAD_BYTES: String(8 * 1024 ** 3), LOG_LEVEL: 'warn' },
  });
  try {
    const csvPath = join(bc.dataDir, 'fashion.csv');
    const t0 = Date.now();
    const rows = await writeCsv(csvPath, FILE_MB);
    const fileMb = statSync(csvPath).size / 1e6;
    console.log(`generated ${fmt(fileMb)} MB CSV (${rows} rows × 785 columns) in ${fmt((Date.now() - t0) / 1000)} s`);
    await bc.cluster.start();
    const pid = bc.cluster.service('driver')?.process.pid;
    if (!pid) throw new Error('no driver pid');
    const idleMb = procStatusMb(pid, 'VmRSS');
    console.log(`driver pid ${pid}, idle RSS ${fmt(idleMb)} MB; ${REPS} repetitions, ${PARTITIONS} partitions; ${await loadNote()}`);
    const runs: { peak: number; hwm: number; seconds: number; mbps: number }[] = [];
    for (let rep = 1; rep <= REPS; rep++) {
      const hwmReset = resetPeakRss(pid);
      const stop = rssSampler(pid);
      const start = process.hrtime.bigint();
      const res = await postCsv(bc.cluster.driverUrl, csvPath);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const { peakSampledMb, hwmMb, timeline } = stop();
      if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${res.body.slice(0, 500)}`);
      const manifest = JSON.parse(res.body) as { id: string; rows: number };
      if (manifest.rows !== rows) throw new Error(`manifest has ${manifest.rows} rows, the file ${rows}`);
      await fetch(`${bc.cluster.driverUrl}/datasets/${manifest.id}`, { method: 'DELETE' });
      const peak = hwmReset ? Math.max(peakSampledMb, hwmMb) : peakSampledMb;
      runs.push({ peak, hwm: hwmReset ? hwmMb : Number.NaN, seconds, mbps: fileMb / seconds });
      console.log(`rep ${rep}: RSS MB, highest per 5 s: ${timeline.map((v) => fmt(v, 0)).join(' ')}`);
      console.log(
        `rep ${rep}: peak RSS ${fmt(peak)} MB (sampled ${fmt(peakSampledMb)}, ` +
          `VmHWM ${hwmReset ? fmt(hwmMb) : 'n/a'}), ${fmt(seconds)} s, ${fmt(fileMb / seconds)} MB/s`,
      );
    }
    const peaks = runs.map((r) => r.peak);
    const mbps = runs.map((r) => r.mbps);
    const oldRatio = OLD.peakMb / OLD.fileMb;
    console.log('');
    console.log(
      table([
        ['', 'peak RSS MB', 'bound MB', 'file MB', 'seconds', 'MB/s', 'peak / file'],
        [
          'streamed (this build)',
          spread(peaks),
          BOUND_MB,
          fmt(fileMb),
          spread(runs.map((r) => r.seconds)),
          spread(mbps),
          fmt(median(peaks) / fileMb, 2),
        ],
        ['buffered (issue 12, 133 MB CSV)', fmt(OLD.peakMb), '-', fmt(OLD.fileMb), '-', '-', fmt(oldRatio, 2)],
        [
          'buffered, scaled to this file',
          `~${fmt(OLD.idleMb + ((OLD.peakMb - OLD.idleMb) / OLD.fileMb) * fileMb, 0)}`,
          '-',
          fmt(fileMb),
          '-',
          '-',
          '-',
        ],
      ]),
    );
    console.log(`median (min–max) of ${REPS}; idle RSS ${fmt(idleMb)} MB; ${await loadNote()}`);
    const ok = median(peaks) < BOUND_MB;
    console.log(ok ? `peak RSS is under the ${BOUND_MB} MB bound` : `peak RSS is OVER the ${BOUND_MB} MB bound`);
    console.log(
      `RESULT upload peak_rss_mb=${fmt(median(peaks))} file_mb=${fmt(fileMb)} mb_per_s=${fmt(median(mbps))} bound_mb=${BOUND_MB} ` +
        `idle_rss_mb=${fmt(idleMb)} reps=${REPS}`,
    );
    return ok ? 0 : 1;
  } finally {
    rmSync(join(bc.dataDir, 'fashion.csv'), { force: true });
    await bc.stop();
  }
}

runMain('bench:upload', main);
