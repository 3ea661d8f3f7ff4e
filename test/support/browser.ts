import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { listen } from './listen.js';

/** Debian's Chromium, never a browser a tool downloads. */
export const CHROMIUM = process.env.FLOWTRAIL_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

/** Chromium and the app served on a local port for the tests of a describe block, both closed after them. */
export function useBrowserSite(t: { readonly app: Hono<any> }): { readonly browser: Browser; readonly url: string } {
  let browser: Browser | undefined;
  let site: { url: string; close: () => Promise<void> } | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
    site = await listen(t.app);
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });
  return { get browser() { return browser!; }, get url() { return site!.url; } };
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Saves a full-page screenshot as a test artifact (test-artifacts/screenshots/<target>/);
 * with FLOWTRAIL_UPDATE_SCREENSHOTS=1 also the committed copy in docs/screenshots/.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const target = process.env.FLOWTRAIL_TEST_TARGET ?? 'pglite';
  const dir = join(ROOT, 'test-artifacts', 'screenshots', target);
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
  if (process.env.FLOWTRAIL_UPDATE_SCREENSHOTS === '1' && target === 'pglite') {
    mkdirSync(join(ROOT, 'docs', 'screenshots'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'docs', 'screenshots', `${name}.png`), fullPage: true });
  }
}
