import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { listen } from './listen.js';

/** Debian's Chromium, never a browser a tool downloads. */
export const CHROMIUM = process.env.FLOWTRAIL_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

export interface BrowserSite {
  /** The browser, launched once for the describe block. */
  readonly browser: Browser;
  /** Where the app under test answers (a free local port). */
  readonly url: string;
  /** A fresh browser context (its own cookies) at 1280 x 900 and a page in it. */
  newPage(options?: BrowserContextOptions): Promise<{ context: BrowserContext; page: Page }>;
  /** Signs the page in with a token through the sign-in form and waits for the session list. */
  signIn(page: Page, token: string): Promise<void>;
}

/** Chromium and the app served on a local port for the tests of a describe block, both closed after them. */
export function useBrowserSite(t: { readonly app: Hono<any> }): BrowserSite {
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
  return {
    get browser() {
      return browser!;
    },
    get url() {
      return site!.url;
    },
    async newPage(options = {}) {
      const context = await browser!.newContext({ viewport: { width: 1280, height: 900 }, ...options });
      return { context, page: await context.newPage() };
    },
    async signIn(page, token) {
      await page.goto(`${site!.url}/-/sign_in`);
      await page.fill('#token', token);
      await page.click('text=Sign in with a token');
      await page.waitForURL(`${site!.url}/-/duo/sessions`);
    },
  };
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
