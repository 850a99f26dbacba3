/**
 * The pages under their security headers, in Debian's Chromium with a fake camera: the
 * Content-Security-Policy (nonces) still lets every page, the camera and the recognition loop
 * run, with no violation reported; the pages cannot be framed; the camera is allowed to this
 * origin only. Video: fr-examples obama (examples__knn_examples__test__obama1.jpg).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { readDataset } from '../helpers/datasets';
import { startServer, type RunningServer } from '../helpers/server';
import { launchWithCamera, newPage } from './browser';
import { writeFakeVideo } from './fake-camera';

let server: RunningServer;
let browser: Browser;
let videoDir: string;

beforeAll(async () => {
  videoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facerec-csp-'));
  const video = await writeFakeVideo(path.join(videoDir, 'obama.y4m'), [readDataset('fr-examples', 'images', 'obama', 'examples__knn_examples__test__obama1.jpg')]);
  server = await startServer({ env: { FACEREC_PUBLIC_RECOGNITION: 'true' } });
  browser = await launchWithCamera(video);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (videoDir) fs.rmSync(videoDir, { recursive: true, force: true });
});

describe('security headers in the browser', () => {
  it('serves each page with a nonce CSP, no framing and the camera for this origin only', async () => {
    const { page, context } = await newPage(browser, server.url);
    for (const route of ['/', '/register', '/people', '/admin']) {
      const res = await page.goto(route);
      const h = res!.headers();
      expect(h['content-security-policy']).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}' 'strict-dynamic'/);
      expect(h['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(h['content-security-policy']).not.toMatch(/script-src[^;]*'unsafe-inline'/);
      expect(h['permissions-policy']).toMatch(/camera=\(self\)/);
      expect(h['x-content-type-options']).toBe('nosniff');
      expect(h['referrer-policy']).toBe('no-referrer');
    }
    // Two loads, two nonces.
    const first = (await page.goto('/'))!.headers()['content-security-policy'];
    const second = (await page.goto('/'))!.headers()['content-security-policy'];
    expect(first).not.toBe(second);
    await context.close();
  });

  it('reports a violation when something the policy forbids is tried (the check itself works)', async () => {
    const { page, context, errors } = await newPage(browser, server.url);
    await page.goto('/people');
    await page.evaluate(() => {
      const img = new Image();
      img.src = 'https://example.invalid/pixel.png';
      document.body.append(img);
    });
    for (let i = 0; i < 100 && !errors.some((e) => /img-src/.test(e)); i++) await page.waitForTimeout(100);
    expect(errors.join('\n')).toMatch(/img-src/);
    await context.close();
  });

  it('runs recognition from the camera, and every page, with no violation', async () => {
    const { page, context, errors } = await newPage(browser, server.url, { apiKey: server.adminKey });
    await page.goto('/');
    // Nobody is registered: the face in the fake camera is boxed and called unknown.
    await page.locator('[aria-live] [data-face-label="unknown"]').first().waitFor({ timeout: 30_000 });
    await page.goto('/register');
    await page.getByLabel('Name', { exact: true }).waitFor();
    await page.goto('/people');
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('cannot be framed, not even by itself', async () => {
    const { page, context } = await newPage(browser, server.url);
    await page.goto('/people');
    const refused = page.waitForEvent('console', { predicate: (m) => /frame-ancestors/.test(m.text()), timeout: 20_000 });
    await page.evaluate(() => {
      const frame = document.createElement('iframe');
      frame.src = '/';
      frame.allow = 'camera';
      document.body.append(frame);
    });
    expect((await refused).text()).toMatch(/frame-ancestors 'none'/);
    await context.close();
  });
});
