/**
 * What the browser suite needs around Chromium: the console built, a browser found on this machine
 * (Debian's chromium; never one a tool downloads), axe-core injected into pages, checks per page.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect } from '@jest/globals';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { KEYS, type RoleName } from '../e2e/support/ledger-app.js';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.js';

export const root = join(import.meta.dirname, '..', '..');
/** Every run's screenshots (git ignores them); docs/screenshots/ keeps the one README shows. */
export const SCREENSHOTS = join(root, 'docs', 'screenshots', 'latest');

export { browserMissing } from './chromium.js';

/** `vite build` of console/ into dist/console, which the server's ConsoleController serves. */
export const buildConsole = (): void => {
  execFileSync(
    process.execPath,
    [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'console/vite.config.ts'],
    { cwd: root, stdio: 'pipe', timeout: 120_000 },
  );
};

export const launch = async (): Promise<Browser> => {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 30_000 });
};

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Refusals the tests cause on purpose show in the console as failed loads; anything else is a fault. */
const EXPECTED = /Failed to load resource: the server responded with a status of (409|422)/;

export interface RolePage {
  context: BrowserContext;
  page: Page;
  /** Script errors and console errors seen so far (expected refusals left out). */
  errors: string[];
}

export const openAs = async (
  browser: Browser,
  url: string,
  role: RoleName,
  prepare?: (page: Page) => Promise<void>,
): Promise<RolePage> => {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    timezoneId: 'UTC',
    locale: 'en-GB',
    acceptDownloads: true,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`script error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !EXPECTED.test(message.text()))
      errors.push(`console: ${message.text()}`);
  });
  await prepare?.(page);
  await page.goto(`${url}/console`);
  await page.getByLabel('API key', { exact: true }).fill(KEYS[role]);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('role').textContent()).resolves.toBe(role);
  return { context, page, errors };
};

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** axe-core's serious and critical violations on the page as it is now. */
export const axeViolations = async (page: Page): Promise<string[]> => {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern, unlike a script tag.
  await page.evaluate(axeSource);
  const violations = (await page.evaluate(
    "axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)",
  )) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target)).slice(0, 300)}`,
    );
};

const overflow = (page: Page) =>
  page.evaluate(
    'document.documentElement.scrollWidth - document.documentElement.clientWidth',
  ) as Promise<number>;

/** The page at 1280 px and at 390 px: no horizontal scrolling, no serious axe violation, a screenshot of each. */
export const checkPage = async (page: Page, name: string, focus?: Locator): Promise<void> => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  expect(await axeViolations(page)).toEqual([]);
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await page.waitForTimeout(50);
    await focus?.scrollIntoViewIfNeeded();
    expect({ width, overflow: await overflow(page) }).toEqual({ width, overflow: 0 });
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${width}.png`) });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
};
