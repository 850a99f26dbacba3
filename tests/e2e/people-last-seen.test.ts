/**
 * The People page's "last seen", in Debian's Chromium against the production build with
 * FACEREC_SIGHTINGS=true: a person recognised through the API shows when; one never seen says so.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { call, imageForm } from '../helpers/http';
import { readDataset } from '../helpers/datasets';
import { startServer, type RunningServer } from '../helpers/server';
import { launchWithCamera, newPage } from './browser';
import { writeFakeVideo } from './fake-camera';

const obama = (f: string) => readDataset('fr-examples', 'images', 'obama', f);

describe('People page with sightings on', () => {
  let server: RunningServer;
  let browser: Browser;
  let videoDir: string;

  beforeAll(async () => {
    videoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facerec-video-'));
    // The page needs no camera; the browser helper launches with one.
    const video = await writeFakeVideo(path.join(videoDir, 'still.y4m'), [obama('examples__obama.jpg')]);
    server = await startServer({ env: { FACEREC_SIGHTINGS: 'true' } });
    browser = await launchWithCamera(video);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (videoDir) fs.rmSync(videoDir, { recursive: true, force: true });
  });

  it('shows when a recognised person was last seen, and "not seen yet" for the others', async () => {
    const key = server.adminKey;
    const { body: seen } = await call(server.url, 'POST', '/people', { key, json: { name: 'Barack Obama' } });
    await call(server.url, 'POST', `/people/${seen.id}/faces?source=upload`, { key, form: imageForm('image', [obama('examples__obama.jpg')]) });
    await call(server.url, 'POST', '/people', { key, json: { name: 'Never Seen' } });
    const res = await call(server.url, 'POST', '/recognize', { key, body: obama('tests__test_images__obama3.jpg'), contentType: 'image/jpeg' });
    expect(res.body.faces.map((f: { match: { name: string } | null }) => f.match?.name)).toEqual(['Barack Obama']);

    const { page, errors } = await newPage(browser, server.url, { apiKey: key });
    await page.goto('/people');
    const row = (name: string) => page.locator('[data-person-id]').filter({ hasText: name });
    // The sighting is written just after the answer: reload until the row shows it.
    for (let i = 0; i < 20 && !(await row('Barack Obama').locator('[data-last-seen]:not([data-last-seen=""])').count()); i++) {
      await page.waitForTimeout(250);
      await page.reload();
      await row('Barack Obama').waitFor();
    }
    const { body: sightings } = await call(server.url, 'GET', `/people/${seen.id}/sightings`, { key });
    await expect(row('Barack Obama').locator('[data-last-seen]').getAttribute('data-last-seen')).resolves.toBe(sightings.sightings[0].lastSeenAt);
    await expect(row('Barack Obama').locator('[data-last-seen]').textContent()).resolves.toMatch(/^last seen /);
    await expect(row('Never Seen').locator('[data-last-seen]').textContent()).resolves.toBe('not seen yet');
    expect(errors).toEqual([]);
  });
});
