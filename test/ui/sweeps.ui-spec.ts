import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { blobsModel } from '../e2e/synthetic-data.js';
import { driverApi } from '../harness/driver-api.js';
import { startTestCluster, type TestCluster } from '../harness/test-cluster.js';
import { launchChromium, screenshot } from './browser.js';

const TOKEN = 'ui-sweep-token-0123456789abcdef';
const EPOCHS = 40;

describe('sweep pages in Debian chromium against a real local cluster', () => {
  let cluster: TestCluster;
  let browser: Browser;
  let page: Page;
  let api: ReturnType<typeof driverApi>;
  const url = (hash = '') => `${cluster.cluster.driverUrl}/${hash}`;

  beforeAll(async () => {
    cluster = await startTestCluster({ workers: 2, env: { TUSK_API_TOKEN: TOKEN } });
    api = driverApi(cluster.cluster, { token: TOKEN });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    // The token as the token page would have kept it.
    await context.addInitScript((token) => localStorage.setItem('tusk.apiToken', token), TOKEN);
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await cluster?.stop();
  });

  it('shows a running 2-trial grid sweep: the leaderboard, both curves growing on one chart, links to the trials', async () => {
    const datasetId = await api.uploadBlobs({ rows: 600, partitions: 2 });
    const sweep = await api.createSweep({
      name: 'ui-grid',
      baseJob: {
        model: blobsModel,
        compile: {
          optimizer: { className: 'adam', config: { learning_rate: 0.02 } },
          loss: 'categorical_crossentropy',
          metrics: ['accuracy'],
        },
        datasetId,
        training: { mode: 'synchronous', epochs: EPOCHS, batchSize: 16, partitions: 2, seed: 3, validationSplit: 0.2 },
      },
      // Two learning rates: two clearly different loss curves.
      space: { 'compile.optimizer.config.learning_rate': { type: 'choice', values: [0.02, 0.002] } },
      sampler: { type: 'grid' },
      maxConcurrentTrials: 2,
      metric: 'val_loss',
    });
    await page.goto(url(`#/sweeps/${sweep.id}`));
    await page.getByRole('heading', { name: 'ui-grid' }).waitFor();
    const sweepStatus = page.locator('h1 [data-testid="status"]');

    // While the sweep runs the chart must gain points (live from the events), and end with both trials' curves.
    const seen = new Set<number>();
    const started = Date.now();
    while (Date.now() - started < 60_000) {
      const status = await sweepStatus.textContent();
      const chart = page.getByTestId('sweep-chart');
      const values = (await chart.count()) ? Number(await chart.getAttribute('data-values')) : 0;
      if (status === 'running' && values > 0) seen.add(values);
      if (status !== 'running') break;
      await page.waitForTimeout(50);
    }
    expect(seen.size).toBeGreaterThanOrEqual(2);
    await sweepStatus.filter({ hasText: 'succeeded' }).waitFor({ timeout: 60_000 });
    const chart = page.getByTestId('sweep-chart');
    // The page re-reads every trial's job once the stream ends: the last rounds arrive shortly after.
    const deadline = Date.now() + 10_000;
    while (Number(await chart.getAttribute('data-values')) < 2 * EPOCHS && Date.now() < deadline) await page.waitForTimeout(100);
    expect({
      series: await chart.getAttribute('data-series'),
      values: await chart.getAttribute('data-values'),
      points: await chart.locator('.chart').getAttribute('data-points'),
    }).toEqual({ series: '2', values: String(2 * EPOCHS), points: String(EPOCHS) });
    expect(await chart.textContent()).toContain('trial 1');

    const rows = page.getByTestId('leaderboard').locator('tbody tr');
    expect(await rows.count()).toBe(2);
    const final = await api.sweep(sweep.id);
    // Best first, marked; each row links to its trial's job.
    expect(await rows.first().getAttribute('data-trial')).toBe(String(final.bestTrial));
    expect(await rows.first().textContent()).toContain('★');
    for (const t of final.trials) {
      const row = page.locator(`[data-testid="leaderboard"] tr[data-trial="${t.index}"]`);
      expect(await row.getByTestId('status').textContent()).toBe('succeeded');
      expect(await row.locator(`a[href="#/jobs/${t.jobId}"]`).count()).toBe(1);
    }
    expect(await page.getByTestId('trials-done').textContent()).toContain('2/2 done');
    await screenshot(page, 'sweep');

    // A trial's job page links back to its sweep; the list shows the sweep.
    await page.getByTestId('leaderboard').locator(`a[href="#/jobs/${final.trials[0].jobId}"]`).click();
    await page.getByTestId('sweep-link').filter({ hasText: sweep.id }).waitFor();
    await page.getByTestId('sweep-link').click();
    await page.getByTestId('leaderboard').waitFor();
    await page.goto(url('#/sweeps'));
    const listed = page.locator(`[data-testid="sweeps-table"] tr[data-sweep-id="${sweep.id}"]`);
    await listed.waitFor();
    expect(await listed.textContent()).toMatch(/ui-gridsucceeded2\/2val_loss \(min\)\d\.\d+/);
    await screenshot(page, 'sweeps');
  }, 90_000);
});
