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
      execFile(
        process.execPath,
        [CLI, ...args],
        { env: { ...process.env, TUSK_URL: cluster.driverUrl }, timeout: 90_000 },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
    dir = mkdtempSync(join(tmpdir(), 'tusk-cli-'));
    nats = await suiteNats();
    const env = serviceEnv({ natsUrl: nats.url, s3: testS3() });
    cluster = new LocalCluster({
      dataDir: nats.storeDir,
      workers: 1,
      natsUrl: nats.url,
      s3Endpoint: env.S3_ENDPOINT,
      bucket: env.S3_BUCKET,
      logSink: null,
      env: { ...env, TUSK_BACKEND: 'cpu' },
    });
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
    const upload = await tusk(
      'datasets',
      'upload',
      '--format',
      'csv',
      '--file',
      csvPath,
      '--label-columns',
      'label',
      '--partitions',
      '1',
      '--name',
      'blobs',
    );
    expect(upload).toMatchObject({ code: 0, stderr: '' });
    const datasetId = upload.stdout.trim().split(/\s+/)[0];
    expect(datasetId).toMatch(/^ds-/);
    expect(upload.stdout).toContain('300 rows');

    const datasets = await tusk('datasets', 'list');
    expect(datasets.code).toBe(0);
    expect(datasets.stdout).toContain(datasetId);

    // The dataset id in the file is a placeholder that --dataset overrides.
    const jobPath = join(dir, 'job.json');
    writeFileSync(
      jobPath,
      JSON.stringify({
        name: 'cli-blobs',
        model: blobsModel,
        compile: {
          optimizer: { className: 'adam', config: { learning_rate: 0.02 } },
          loss: 'categorical_crossentropy',
          metrics: ['accuracy'],
        },
        datasetId: 'ds-placeholder',
        training: { mode: 'synchronous', epochs: 2, batchSize: 16, partitions: 1, seed: 3 },
      }),
    );
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

  it("runs a tiny grid sweep with submit --watch, lists it and downloads the best trial's model", async () => {
    const csvPath = join(dir, 'sweep-blobs.csv');
    writeFileSync(csvPath, blobsCsv({ rows: 300, seed: 11 }));
    const upload = await tusk(
      'datasets',
      'upload',
      '--format',
      'csv',
      '--file',
      csvPath,
      '--label-columns',
      'label',
      '--partitions',
      '1',
      '--name',
      'sweep-blobs',
    );
    expect(upload).toMatchObject({ code: 0, stderr: '' });
    const datasetId = upload.stdout.trim().split(/\s+/)[0];

    const sweepPath = join(dir, 'sweep.json');
    writeFileSync(
      sweepPath,
      JSON.stringify({
        name: 'cli-grid',
        baseJob: {
          model: blobsModel,
          compile: {
            optimizer: { className: 'adam', config: { learning_rate: 0.02 } },
            loss: 'categorical_crossentropy',
            metrics: ['accuracy'],
          },
          datasetId,
          training: { mode: 'synchronous', epochs: 2, batchSize: 16, partitions: 1, seed: 3 },
        },
        space: { 'compile.optimizer.config.learning_rate': { type: 'choice', values: [0.05, 0.005] } },
        sampler: { type: 'grid' },
        maxConcurrentTrials: 2,
        metric: 'accuracy',
        mode: 'max',
      }),
    );
    const submit = await tusk('sweep', 'submit', sweepPath, '--watch');
    expect(submit.stderr).toBe('');
    expect(submit.code).toBe(0);
    const lines = submit.stdout.trim().split('\n');
    const sweepId = lines[0];
    expect(sweepId).toMatch(/^sweep-[0-9a-f]{32}$/);
    // Not a TTY: the leaderboard again at each status change, the last one with both trials done, best first.
    const last = lines.findLastIndex((l) => l.startsWith(`sweep ${sweepId} cli-grid  succeeded  2/2 trials done  best: trial `));
    expect(last).toBeGreaterThan(0);
    expect(lines[last + 1]).toMatch(/^TRIAL\s+PARAMS\s+STATUS\s+ACCURACY\s+AT ROUND\s+ROUNDS$/);
    expect(lines[last + 2]).toMatch(/^\s+\d\* {2}learning_rate=0\.0?05\s+succeeded\s+\d\.\d{4}\s+\d\s+2$/);
    expect(lines[last + 3]).toMatch(/^\s+\d {2}learning_rate=0\.0?05\s+succeeded\s+\d\.\d{4}\s+\d\s+2$/);
    expect(lines.at(-1)).toMatch(
      new RegExp(`^sweep ${sweepId} succeeded in \\S+: 2 trials, best trial \\d: accuracy \\d\\.\\d{4} \\(job-[0-9a-f]{32}\\)$`),
    );

    const list = await tusk('sweep', 'list');
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n').find((l) => l.startsWith(sweepId))).toMatch(
      /cli-grid\s+succeeded\s+2\/2\s+accuracy \(max\)\s+\d\.\d{4}\s+\S+$/,
    );

    const out = join(dir, 'best-model');
    const best = await tusk('sweep', 'best', sweepId, '--download', out);
    expect(best).toMatchObject({ code: 0, stderr: '' });
    const jobId = /^job\s+(job-[0-9a-f]{32})$/m.exec(best.stdout)?.[1];
    expect(jobId).toBeDefined();
    expect(best.stdout).toMatch(/^accuracy \d\.\d{4} at round \d \(max\)$/m);
    expect(best.stdout).toMatch(/^ {2}compile\.optimizer\.config\.learning_rate {2}0\.0?05$/m);
    expect(best.stdout).toContain(`wrote ${join(out, 'weights.bin')}`);
    expect(statSync(join(out, 'weights.bin')).size).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')).weightsManifest[0].paths).toEqual(['weights.bin']);
    // The best trial is an ordinary job of the sweep.
    const job = await tusk('jobs', 'show', jobId!);
    expect(JSON.parse(job.stdout)).toMatchObject({ id: jobId, sweepId, status: 'succeeded' });

    // Watching a finished sweep draws it once and exits at once; the driver refuses to cancel it.
    const watch = await tusk('sweep', 'watch', sweepId);
    expect(watch.code).toBe(0);
    expect(watch.stdout.trim().split('\n').at(-1)).toMatch(new RegExp(`^sweep ${sweepId} succeeded`));
    expect(await tusk('sweep', 'cancel', sweepId)).toEqual({
      code: 1,
      stdout: '',
      stderr: `tusk: DELETE /sweeps/${sweepId} failed with HTTP 409: sweep ${sweepId} is already succeeded\n`,
    });
  }, 120_000);

  it('exits 1 with the status and the server message on an API error', async () => {
    const bad = await tusk('jobs', 'show', 'not-a-job');
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe('tusk: GET /jobs/not-a-job failed with HTTP 400: id must be a job id (job-<32 hex digits>)');
  }, 30_000);
});
