import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (`apt install chromium`); playwright-core never downloads a browser. */
export const CHROMIUM = process.env.TUSK_CHROMIUM ?? '/usr/bin/chromium';
/** Screenshots of every page the test visits: CI keeps them as artifacts. */
export const SCREENSHOTS = join(process.cwd(), 'test-artifacts', 'ui');

export async function launchChromium(): Promise<Browser> {
  // Headless, no sandbox (CI runs as root), and nothing that phones home: this machine's network is closed.
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** The number of points a chart currently draws (the LineChart component exposes it as `data-points`). */
export async function chartPoints(page: Page, testId: string): Promise<number> {
  const value = await page.getByTestId(testId).getAttribute('data-points', { timeout: 60_000 });
  return Number(value);
}
