import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium, never a browser a tool downloads. */
export const CHROMIUM = process.env.FLOWTRAIL_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
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
