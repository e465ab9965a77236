import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalCluster } from '../../scripts/cluster/local-cluster.js';
import type { LocalNats } from '../../scripts/local-services/index.js';
import { serviceEnv, suiteNats, testS3 } from '../harness/test-env.js';
import { blobsCsv, blobsModel } from './synthetic-data.js';

// The CLI always runs built, like the services: `npm test` builds first.
const CLI = join(process.cwd(), 'dist', 'apps', 'cli', 'src', 'main.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('tusk CLI end to end (driver process, 1 worker)', () => {
  let nats: LocalNats;
  let cluster: LocalCluster;
  let dir: string;

  /** Runs `node dist/apps/cli/src/main.js ...args` against the cluster's driver; never rejects. */
  const tusk = (...args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(process.execPath, [CLI, ...args], { env: { ...process.env, TUSK_URL: cluster.driverUrl }, timeout: 90_000 }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      });
    });

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
    dir = mkdtempSync(join(tmpdir(), 'tusk-cli-'));
    nats = await suiteNats();
    const env = serviceEnv({ natsUrl: nats.url, s3: testS3() });
    cluster = new LocalCluster({ dataDir: nats.storeDir, workers: 1, natsUrl: nats.url, s3Endpoint: env.S3_ENDPOINT, bucket: env.S3_BUCKET, logSink: null, env: { ...env, TUSK_BACKEND: 'cpu' } });
    // Assigned before start(): afterAll stops it even if the start fails or times out half-way.
    await cluster.start();
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
    await nats?.process.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('uploads a CSV, trains with --watch, lists the job and downloads the model', async () => {
    const csvPath = join(dir, 'blobs.csv');
    writeFileSync(csvPath, blobsCsv({ rows: 300, seed: 7 }));
    const upload = await tusk('datasets', 'upload', '--format', 'csv', '--file', csvPath, '--label-columns', 'label', '--partitions', '1', '--name', 'blobs');
    expect(upload).toMatchObject({ code: 0, stderr: '' });
    const datasetId = upload.stdout.trim().split(/\s+/)[0];
    expect(datasetId).toMatch(/^ds-/);
    expect(upload.stdout).toContain('300 rows');

    const datasets = await tusk('datasets', 'list');
    expect(datasets.code).toBe(0);
    expect(datasets.stdout).toContain(datasetId);

    // The dataset id in the file is a placeholder that --dataset overrides.
    const jobPath = join(dir, 'job.json');
    writeFileSync(jobPath, JSON.stringify({
      name: 'cli-blobs',
      model: blobsModel,
      compile: { optimizer: { className: 'adam', config: { learning_rate: 0.02 } }, loss: 'categorical_crossentropy', metrics: ['accuracy'] },
      datasetId: 'ds-placeholder',
      training: { mode: 'synchronous', epochs: 2, batchSize: 16, partitions: 1, seed: 3 },
    }));
    const submit = await tusk('jobs', 'submit', jobPath, '--dataset', datasetId, '--watch');
    expect(submit.stderr).toBe('');
    expect(submit.code).toBe(0);
    expect(submit.stdout).toContain('succeeded');
    const lines = submit.stdout.trim().split('\n');
    const jobId = lines[0];
    expect(jobId).toMatch(/^job-[0-9a-f]{32}$/);
    // Not a TTY: one progress line per event, the last round's line before the summary.
    expect(lines.some((l) => l.includes('round 2/2') && l.includes('epoch 2') && l.includes('loss'))).toBe(true);
    expect(lines.at(-1)).toMatch(new RegExp(`^job ${jobId} succeeded in \\S+: 2/2 rounds, loss \\d\\.\\d{4}, accuracy \\d\\.\\d{4}$`));

    const list = await tusk('jobs', 'list');
    expect(list.code).toBe(0);
    const row = list.stdout.split('\n').find((l) => l.startsWith(jobId));
    expect(row).toMatch(/cli-blobs\s+succeeded\s+2\/2\s+\d\.\d{4}\s+\d\.\d{4}$/);

    const out = join(dir, 'model');
    const download = await tusk('models', 'download', jobId, '--out', out);
    expect(download).toMatchObject({ code: 0, stderr: '' });
    expect(statSync(join(out, 'weights.bin')).size).toBeGreaterThan(0);
    const modelJson = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    expect(modelJson.weightsManifest[0].paths).toEqual(['weights.bin']);

    // Watching a finished job prints its final state and exits at once.
    const watch = await tusk('jobs', 'watch', jobId);
    expect(watch.code).toBe(0);
    expect(watch.stdout).toContain('succeeded');

    const workers = await tusk('workers');
    expect(workers.code).toBe(0);
    expect(workers.stdout).toContain('worker-1');
  }, 90_000);

  it('exits 1 with the status and the server message on an API error', async () => {
    const bad = await tusk('jobs', 'show', 'not-a-job');
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe('tusk: GET /jobs/not-a-job failed with HTTP 400: id must be a job id (job-<32 hex digits>)');
  }, 30_000);
});
