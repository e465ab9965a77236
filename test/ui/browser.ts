import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
export { launchChromium } from '../../scripts/chromium.js';

/** Screenshots of every page the test visits: CI keeps them as artifacts. */
export const SCREENSHOTS = join(process.cwd(), 'test-artifacts', 'ui');

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** The number of points a chart currently draws (the LineChart component exposes it as `data-points`). */
export async function chartPoints(page: Page, testId: string): Promise<number> {
  const value = await page.getByTestId(testId).getAttribute('data-points', { timeout: 60_000 });
  return Number(value);
}
