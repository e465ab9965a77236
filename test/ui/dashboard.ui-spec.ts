import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Download, Page } from 'playwright-core';
import { blobsCsv, blobsModel } from '../e2e/synthetic-data.js';
import { startTestCluster, type TestCluster } from '../harness/test-cluster.js';
import { chartPoints, launchChromium, screenshot } from './browser.js';

const TOKEN = 'ui-test-token-0123456789abcdef';
const badModel = {
  ...blobsModel,
  config: {
    ...blobsModel.config,
    layers: [
      { ...blobsModel.config.layers[0], config: { ...blobsModel.config.layers[0].config, batch_input_shape: [null, 7] } },
      blobsModel.config.layers[1],
    ],
  },
};

describe('dashboard in Debian chromium against a real local cluster', () => {
  let cluster: TestCluster;
  let browser: Browser;
  let page: Page;
  let datasetId: string;
  const url = (hash = '') => `${cluster.cluster.driverUrl}/${hash}`;

  beforeAll(async () => {
    cluster = await startTestCluster({ workers: 2, env: { TUSK_API_TOKEN: TOKEN, TUSK_STALL_TIMEOUT_S: '120' } });
    browser = await launchChromium();
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await cluster?.stop();
  });

  /** Fills the new-job form; `model` is pasted as JSON text. */
  async function fillJobForm({
    name,
    model,
    epochs,
    mode = 'synchronous',
  }: {
    name: string;
    model: unknown;
    epochs: string;
    mode?: string;
  }) {
    await page.goto(url('#/new'));
    await page.locator('select[name="training.mode"]').selectOption(mode);
    await page.locator('select[name="datasetId"]').selectOption(datasetId);
    await page.locator('input[name="name"]').fill(name);
    await page.locator('textarea[name="model"]').fill(typeof model === 'string' ? model : JSON.stringify(model));
    await page.locator('input[name="compile.learningRate"]').fill('0.02');
    await page.locator('input[name="training.epochs"]').fill(epochs);
    await page.locator('input[name="training.batchSize"]').fill('16');
    await page.locator('input[name="training.partitions"]').fill('2');
    await page.locator('input[name="training.seed"]').fill('3');
    await page.locator('input[name="training.validationSplit"]').fill('0.2');
  }

  const submitJob = async (): Promise<string> => {
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.waitForURL(/#\/jobs\/job-[0-9a-f]+$/, { timeout: 30_000 });
    return new URL(page.url()).hash.split('/').pop()!;
  };

  it('asks for the API token once, refusing a wrong one', async () => {
    await page.goto(url());
    await page.locator('input[name="token"]').fill('wrong-token');
    await page.getByRole('button', { name: 'Open the dashboard' }).click();
    await expect(page.getByText('The driver refused this token').isVisible()).resolves.toBe(true);
    await page.locator('input[name="token"]').fill(TOKEN);
    await page.getByRole('button', { name: 'Open the dashboard' }).click();
    await page.getByRole('heading', { name: 'Jobs' }).waitFor();
    // Kept in the browser: a reload goes straight to the jobs.
    await page.reload();
    await page.getByRole('heading', { name: 'Jobs' }).waitFor();
    expect(await page.locator('input[name="token"]').count()).toBe(0);
  });

  it('uploads a dataset through the form and shows its manifest', async () => {
    await page.goto(url('#/datasets'));
    await page.locator('input[name="name"]').fill('blobs');
    await page
      .locator('input[name="file"]')
      .setInputFiles({ name: 'blobs.csv', mimeType: 'text/csv', buffer: Buffer.from(blobsCsv({ rows: 600, seed: 7 })) });
    await page.locator('input[name="labelColumns"]').fill('label');
    await page.locator('input[name="partitions"]').fill('2');
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.waitForURL(/#\/datasets\/[A-Za-z0-9_-]+$/, { timeout: 30_000 });
    datasetId = new URL(page.url()).hash.split('/').pop()!;
    await expect(page.getByTestId('manifest').textContent()).resolves.toContain('"rows": 600');
    await expect(page.getByTestId('datasets-table').textContent()).resolves.toContain(datasetId);
    await screenshot(page, 'datasets');
  });

  it('shows validation errors next to the field they name', async () => {
    await fillJobForm({ name: 'bad-model', model: badModel, epochs: '2' });
    await page.getByRole('button', { name: 'Start training' }).click();
    const modelError = page.locator('[data-field="model"]');
    await modelError.waitFor();
    expect(await modelError.textContent()).toMatch(/input shape \[7\].*\[4\]/);
    await screenshot(page, 'new-job-error');

    await page.locator('textarea[name="model"]').fill(JSON.stringify(blobsModel));
    await page.locator('input[name="training.epochs"]').fill('0');
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.locator('[data-field="training.epochs"]').waitFor();
    expect(await page.locator('[data-field="training.epochs"]').textContent()).toContain('training.epochs');
    expect(await page.locator('[data-field="model"]').count()).toBe(0);
    // Nothing was created by the refused submissions.
    await page.goto(url('#/jobs'));
    await page.getByText('No jobs yet').waitFor();
  });

  it('submits a job through the form, watches its loss curve grow, and downloads a model tfjs loads', async () => {
    await fillJobForm({ name: 'blobs-ui', model: blobsModel, epochs: '40' });
    const jobId = await submitJob();

    // The curve must gain points while the job is still running: live updates, not a reload at the end.
    const seen = new Set<number>();
    const started = Date.now();
    while (Date.now() - started < 120_000) {
      const status = await page.getByTestId('status').first().textContent();
      const points = (await page.getByTestId('chart-loss').count()) ? await chartPoints(page, 'chart-loss') : 0;
      if (status === 'running' && points > 0) seen.add(points);
      if (status === 'succeeded' || status === 'failed') break;
      await page.waitForTimeout(50);
    }
    expect(seen.size).toBeGreaterThanOrEqual(2);
    await page.getByTestId('status').first().filter({ hasText: 'succeeded' }).waitFor({ timeout: 120_000 });
    expect(await chartPoints(page, 'chart-loss')).toBe(40);
    expect(await page.getByTestId('chart-loss').textContent()).toContain('val_loss');
    expect(await page.getByTestId('round-workers').locator('tbody tr').count()).toBe(2);
    expect(await page.getByTestId('param-count').textContent()).toContain('131 parameters');
    // The workers' and the driver's log lines about this job, with their rounds and partitions.
    await page
      .getByTestId('job-logs')
      .filter({ hasText: /worker-\d r\d+ p\d/ })
      .waitFor({ timeout: 30_000 });
    await screenshot(page, 'job');

    const downloads: Download[] = [];
    page.on('download', (d) => downloads.push(d));
    await page.getByRole('button', { name: 'Download model' }).click();
    const deadline = Date.now() + 30_000;
    while (downloads.length < 2 && Date.now() < deadline) await page.waitForTimeout(100);
    expect(downloads.map((d) => d.suggestedFilename()).sort()).toEqual(['model.json', 'weights.bin']);
    const dir = tmpdir();
    const files: Record<string, string> = {};
    for (const d of downloads) await d.saveAs((files[d.suggestedFilename()] = join(dir, `${jobId}-${d.suggestedFilename()}`)));
    const artifact = JSON.parse(await readFile(files['model.json'], 'utf8'));
    const weights = await readFile(files['weights.bin']);
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: artifact.modelTopology,
        weightSpecs: artifact.weightsManifest[0].weights,
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      }),
    );
    const prediction = model.predict(tf.tensor2d([[2, 0, 0, 1]])) as tf.Tensor;
    expect(prediction.shape).toEqual([1, 3]);
    expect((await prediction.data())[0]).toBeGreaterThan(0.5);
    prediction.dispose();
    model.dispose();
  }, 240_000);

  it('draws the curves of an asynchronous job by weights version, with its push statistics', async () => {
    await fillJobForm({ name: 'blobs-async', model: blobsModel, epochs: '3', mode: 'asynchronous' });
    await page.locator('select[name="training.frequency"]').selectOption('batch');
    await page.locator('input[name="training.pushEvery"]').fill('2');
    await submitJob();
    await page.getByTestId('status').first().filter({ hasText: 'succeeded' }).waitFor({ timeout: 120_000 });
    // 2 partitions × 3 epochs × 240 rows / (16 × 2) per push: tens of versions, each a point.
    expect(await chartPoints(page, 'chart-loss')).toBeGreaterThan(10);
    expect(await page.getByTestId('chart-loss').textContent()).toContain('version');
    expect(await page.getByTestId('push-stats').textContent()).toMatch(/Pushes applied\d+/);
    expect(await chartPoints(page, 'chart-staleness')).toBeGreaterThan(10);
    await screenshot(page, 'job-async');
  }, 180_000);

  it('cancels a running job with its button', async () => {
    await fillJobForm({ name: 'blobs-to-cancel', model: blobsModel, epochs: '400' });
    await submitJob();
    await page.getByTestId('status').first().filter({ hasText: 'running' }).waitFor({ timeout: 60_000 });
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Cancel job' }).click();
    await page.getByTestId('status').first().filter({ hasText: 'cancelled' }).waitFor({ timeout: 60_000 });
    await screenshot(page, 'job-cancelled');
  }, 120_000);

  it('lists the live workers and every job', async () => {
    await page.goto(url('#/workers'));
    const workers = page.getByTestId('workers-table');
    await workers.waitFor();
    expect(await workers.locator('tbody tr').count()).toBe(2);
    expect(await workers.textContent()).toMatch(/worker-1.*worker-2/s);
    await screenshot(page, 'workers');

    await page.goto(url('#/jobs'));
    const jobs = page.getByTestId('jobs-table');
    await jobs.waitFor();
    expect(await jobs.locator('tbody tr').count()).toBe(3);
    expect(await jobs.textContent()).toMatch(/blobs-to-cancel.*cancelled.*blobs-async.*succeeded.*blobs-ui.*succeeded/s);
    await screenshot(page, 'jobs');
  });
});
