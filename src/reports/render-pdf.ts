import { access, constants } from 'node:fs/promises';
import { AppError } from '../errors.js';

/** The flags Chromium runs with: no display, no sandbox (inside a container), no GPU. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu'];

/**
 * Prints the pack's HTML to PDF with a headless Chromium (through
 * playwright-core). Chromium is optional at run time: when it is not at
 * `chromiumPath` the answer says so in words (501), and html and oscal still work.
 */
export async function renderPdf(html: string, chromiumPath: string): Promise<Buffer> {
  try {
    await access(chromiumPath, constants.X_OK);
  } catch (cause) {
    throw new AppError('unavailable', `PDF needs Chromium, and there is no executable Chromium at ${chromiumPath} (set FLOWTRAIL_CHROMIUM_PATH); ask for format=html or format=oscal instead`, { status: 501, cause });
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ javaScriptEnabled: false });
    await page.setContent(html, { waitUntil: 'load' });
    return await page.pdf({ format: 'A4', printBackground: true, margin: { top: '15mm', bottom: '15mm', left: '12mm', right: '12mm' } });
  } finally {
    await browser.close();
  }
}
