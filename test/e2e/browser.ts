import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium (`apt-get install chromium`; .ci/run installs it). */
export const chromiumPath = '/usr/bin/chromium';
export const screenshotDir = join('test-output', 'e2e');

/** Why the browser tests cannot run here, or false. */
export function skipReason(): string | false {
  return existsSync(chromiumPath) ? false : `chromium is not installed at ${chromiumPath} (apt-get install -y chromium); the browser tests are skipped`;
}

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestChange(join(path, name))));
}

/** The tests drive the UI that `pointbook serve` serves (dist/web): built now when missing or older than web/. */
export function ensureWebBuilt(): void {
  const index = join('dist', 'web', 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestChange('web')) return;
  const built = spawnSync('npm', ['run', 'build:web'], { stdio: 'inherit' });
  assert.equal(built.status, 0, 'npm run build:web');
}

/** Headless, no sandbox (CI runs as root), and none of Chromium's own network traffic (the machine allows none). */
export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true };
export const desktop = { viewport: { width: 1280, height: 900 } };

/**
 * A browser context that fails the test on any page error or Content-Security-Policy violation:
 * the UI must run under the strict policy it is served with. `gateway` headers stand for what a
 * gateway in front of Pointbook adds (SU-14's client country).
 */
export async function openContext(browser: Browser, options: { locale: 'ja-JP' | 'en-US'; device: typeof phone | typeof desktop; gateway?: Record<string, string> }): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ ...options.device, locale: options.locale, timezoneId: 'Asia/Tokyo', extraHTTPHeaders: options.gateway ?? {} });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/iu.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
  return { context, page, problems };
}

/**
 * Every visible form control has a label, and the screen has one h1: the accessibility floor
 * checked on each screen the tests visit.
 */
export async function assertAccessible(page: Page, screen: string): Promise<void> {
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select')]
      .filter((control) => control.type !== 'hidden' && (control.labels?.length ?? 0) === 0 && !control.getAttribute('aria-label'))
      .map((control) => control.outerHTML),
  );
  assert.deepEqual(unlabelled, [], `${screen}: controls without a label`);
  assert.equal(await page.locator('h1').count(), 1, `${screen}: one h1`);
}

/**
 * Runs `body` on a fresh page; a failure leaves a screenshot of where it stopped
 * (test-output/e2e/<backend>/failed-<name>.png). Page errors and CSP violations fail the test.
 */
export async function withPage(
  browser: Browser,
  backend: string,
  name: string,
  options: Parameters<typeof openContext>[1],
  body: (page: Page) => Promise<void>,
): Promise<void> {
  const { context, page, problems } = await openContext(browser, options);
  try {
    await body(page);
    assert.deepEqual(problems, [], 'no page errors and no Content-Security-Policy violations');
  } catch (error) {
    await screenshot(page, backend, `failed-${name}`).catch(() => undefined);
    throw error;
  } finally {
    await context.close();
  }
}

export async function screenshot(page: Page, backend: string, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  const dir = join(screenshotDir, backend);
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: options.fullPage ?? true });
}
