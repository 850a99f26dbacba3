/**
 * Debian's Chromium driven by playwright-core, with a fake camera that plays a .y4m file.
 * One browser per video: Chromium reads the fake camera file once, at launch.
 */
import fs from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { API_KEY_STORAGE } from '@/lib/client/api-key';

export const CHROMIUM = process.env.FACEREC_CHROMIUM ?? '/usr/bin/chromium';

export async function launchWithCamera(videoFile: string): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (or set FACEREC_CHROMIUM)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${videoFile}`,
    ],
  });
}

/** A fresh context (its own sessionStorage); with `apiKey`, the key is in place before any page script runs. */
export async function newPage(
  browser: Browser,
  baseURL: string,
  opts: { apiKey?: string; width?: number; height?: number } = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ baseURL, viewport: { width: opts.width ?? 1200, height: opts.height ?? 900 } });
  if (opts.apiKey) {
    await context.addInitScript(([k, v]) => window.sessionStorage.setItem(k, v), [API_KEY_STORAGE, opts.apiKey] as const);
  }
  const page = await context.newPage();
  // Uncaught errors in the page and Content-Security-Policy violations fail the tests that check them.
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await context.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (e) => console.error(`Content-Security-Policy violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`)),
  );
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content[- ]Security[- ]Policy/i.test(m.text())) errors.push(m.text());
  });
  return { context, page, errors };
}
