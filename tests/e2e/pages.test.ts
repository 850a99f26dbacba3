/**
 * The pages end to end: the production build, a real registry in a temp folder, Debian's
 * Chromium with fake camera videos made from dataset photos (fr-examples: Obama, Biden;
 * stock-portraits: emotions_a). The tests run in order and build on each other: a person
 * registered in one is recognised, listed and deleted in the next.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { readDataset } from '../helpers/datasets';
import { startServer, type RunningServer } from '../helpers/server';
import { launchWithCamera, newPage } from './browser';
import { writeFakeVideo } from './fake-camera';

/**
 * Screenshots of each page go to test-results/ (ignored by git); to refresh the ones in the
 * docs, run with FACEREC_SCREENSHOTS_DIR=docs/screenshots.
 */
const SCREENSHOTS = path.resolve(__dirname, '..', '..', process.env.FACEREC_SCREENSHOTS_DIR ?? 'test-results/screenshots');

async function shoot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.jpg`), type: 'jpeg', quality: 80, fullPage });
}
const OBAMA = 'Barack Obama';
const RENAMED = 'Barack H. Obama';
const EMOTIONS = 'Emotions A';

/** Public recognition (the recognition pages need no key), crops kept (the people page shows them). */
const SERVER_ENV = { FACEREC_PUBLIC_RECOGNITION: 'true', FACEREC_KEEP_CROPS: 'true' };

// A face may briefly show twice (a track re-found before the old one expires, on a loaded
// machine), so waits for a label take the first match.
const label = (name: string) => `[data-face-label="${name}"]`;

/** Shrinks the page to a phone's width: nothing may stick out sideways. Screenshot as `name`. */
async function checkPhoneWidth(page: Page, name: string): Promise<void> {
  const before = page.viewportSize();
  await page.setViewportSize({ width: 375, height: 800 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  await shoot(page, name, true);
  if (before) await page.setViewportSize(before);
}

/** Labels in the live region, sampled every 250 ms for `ms`. */
async function labelsSeen(page: Page, ms: number): Promise<Set<string>> {
  const seen = new Set<string>();
  const until = Date.now() + ms;
  while (Date.now() < until) {
    for (const l of await page.locator('[aria-live] [data-face-label]').evaluateAll((els) => els.map((e) => e.getAttribute('data-face-label') ?? ''))) {
      seen.add(l);
    }
    await page.waitForTimeout(250);
  }
  return seen;
}

/** Presses Capture until the accepted count reaches `n` (a press may time out on refused frames). */
async function captureShot(page: Page, n: number): Promise<void> {
  const count = page.getByTestId('accepted-count');
  for (let press = 0; press < 3; press++) {
    await page.getByRole('button', { name: 'Capture', exact: true }).click();
    try {
      await count.filter({ hasText: `Accepted shots: ${n} of 3` }).waitFor({ timeout: 12_000 });
      return;
    } catch {
      // The press gave up: press again.
    }
  }
  throw new Error(`shot ${n} was never accepted; page says: ${await page.locator('[data-refusal]').allTextContents()}`);
}

describe('pages (browser, real server)', () => {
  let server: RunningServer;
  let videoDir: string;
  const browsers: Record<'obama' | 'biden' | 'emotions', Browser | null> = { obama: null, biden: null, emotions: null };
  /** The recognition page left open on Obama's camera, to watch it change when he is deleted. */
  let watching: Page;

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    videoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facerec-video-'));
    const [obama, biden, emotions] = await Promise.all([
      writeFakeVideo(path.join(videoDir, 'obama.y4m'), [readDataset('fr-examples', 'images', 'obama', 'examples__knn_examples__test__obama1.jpg')]),
      writeFakeVideo(path.join(videoDir, 'biden.y4m'), [readDataset('fr-examples', 'images', 'biden', 'examples__knn_examples__train__biden__biden2.jpg')], {
        position: 'north',
      }),
      writeFakeVideo(path.join(videoDir, 'emotions.y4m'), [readDataset('stock-portraits', 'images', 'emotions_a', 'stock-emotions-a-5.jpg')]),
    ]);
    server = await startServer({ env: SERVER_ENV });
    browsers.obama = await launchWithCamera(obama);
    browsers.biden = await launchWithCamera(biden);
    browsers.emotions = await launchWithCamera(emotions);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(Object.values(browsers).map((b) => b?.close()));
    await server?.stop();
    if (videoDir) fs.rmSync(videoDir, { recursive: true, force: true });
  });

  it('registers a person from the camera in three guided shots', async () => {
    const { page, errors } = await newPage(browsers.obama!, server.url, { apiKey: server.adminKey });
    await page.goto('/register');
    await page.getByLabel('Name', { exact: true }).fill(OBAMA);
    await page.getByRole('button', { name: 'Start camera' }).click();
    await page.getByText('Look straight at the camera').waitFor();
    for (let n = 1; n <= 3; n++) await captureShot(page, n);
    expect(await page.getByRole('img', { name: /^Accepted shot \d$/ }).count()).toBe(3);
    await page.getByText(`${OBAMA} is registered`).waitFor();
    await shoot(page, 'register', true);

    // Done leads to recognition, which names him.
    await page.getByRole('link', { name: 'Done' }).click();
    await page.waitForURL(`${server.url}/`);
    await page.locator(label(OBAMA)).first().waitFor({ timeout: 20_000 });
    expect(await page.locator(`[aria-live="polite"] ${label(OBAMA)}`).count()).toBe(1);
    // The readout measures the loop.
    await page.waitForFunction(() => /\d/.test(document.querySelector('[data-stat="latency"]')?.textContent ?? ''));
    await page.waitForTimeout(1000); // a few more answers, so the overlay has settled for the picture
    await shoot(page, 'recognize');
    expect(errors).toEqual([]);
    watching = page;
  });

  it('registers a person from uploaded photos, with a result per photo', async () => {
    const { page, context, errors } = await newPage(browsers.emotions!, server.url, { apiKey: server.adminKey });
    await page.goto('/register');
    await page.getByLabel('Name', { exact: true }).fill(EMOTIONS);
    await page.getByRole('button', { name: 'Upload photos' }).click();
    const photos = [1, 2, 3, 4].map((i) => ({
      name: `stock-emotions-a-${i}.jpg`,
      mimeType: 'image/jpeg',
      buffer: readDataset('stock-portraits', 'images', 'emotions_a', `stock-emotions-a-${i}.jpg`),
    }));
    await page.getByLabel('Photos', { exact: true }).setInputFiles(photos);
    await page.getByRole('button', { name: 'Upload 4 photos' }).click();
    await page.getByText(/\d of 4 photos accepted/).waitFor({ timeout: 60_000 });
    const accepted = await page.locator('[data-upload-status="accepted"]').count();
    const refused = await page.locator('[data-upload-status="refused"]').count();
    expect(accepted + refused).toBe(4);
    expect(accepted).toBeGreaterThanOrEqual(2);
    await page.getByText(`${EMOTIONS} is registered`).waitFor();
    await shoot(page, 'register-upload', true);
    await checkPhoneWidth(page, 'register-phone');

    // Someone with no usable photo is not left behind as an empty entry.
    await page.getByRole('button', { name: 'Register someone else' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Nobody');
    await page.getByRole('button', { name: 'Upload photos' }).click();
    await page.getByLabel('Photos', { exact: true }).setInputFiles([
      { name: 'cat.jpg', mimeType: 'image/jpeg', buffer: readDataset('no-face', 'images', 'deepface_cat_smile.jpg') },
    ]);
    await page.getByRole('button', { name: 'Upload 1 photo' }).click();
    await page.getByText('0 of 1 photo accepted').waitFor({ timeout: 30_000 });
    await page.locator('[data-upload-status="refused"]').getByText('No face found', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Delete Nobody' }).click();
    await page.getByText('Nobody was deleted').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('marks a person who is not registered as unknown', async () => {
    const { page, context, errors } = await newPage(browsers.biden!, server.url);
    await page.goto('/');
    await page.locator(label('unknown')).first().waitFor({ timeout: 20_000 });
    const seen = await labelsSeen(page, 3000);
    expect([...seen]).toEqual(['unknown']);
    await shoot(page, 'recognize-unknown');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('lists people once a key is entered, and deleting one makes recognition say unknown', async () => {
    // No key in this tab: the page asks for one.
    const { page, context, errors } = await newPage(browsers.obama!, server.url);
    await page.goto('/people');
    // The list is refused (401): the header's key form opens and says why (one message, no banner too).
    await page.getByLabel('API key', { exact: true }).waitFor({ state: 'visible' });
    await page.getByLabel('API key', { exact: true }).fill(server.adminKey);
    await page.getByRole('button', { name: 'Save key' }).click();
    const rows = page.getByRole('list', { name: 'People' }).getByRole('listitem').filter({ has: page.getByRole('heading') });
    await rows.filter({ hasText: OBAMA }).waitFor();
    await rows.filter({ hasText: EMOTIONS }).waitFor();
    expect(await rows.count()).toBe(2);
    const obamaRow = rows.filter({ hasText: OBAMA });
    await obamaRow.getByText('3 faces').waitFor();
    // Kept crops are shown as thumbnails.
    await obamaRow.getByRole('img', { name: `Face 3 of ${OBAMA}` }).waitFor();
    await page.waitForFunction(() => [...document.images].every((img) => img.complete && img.naturalWidth > 0));
    await shoot(page, 'people', true);
    await checkPhoneWidth(page, 'people-phone');

    // Search narrows the list.
    await page.getByLabel('Search').fill('emot');
    await page.waitForFunction(() => document.querySelectorAll('[data-person-id]').length === 1);
    await page.getByLabel('Search').fill('');
    await obamaRow.waitFor();

    // The recognition page opened in the first test names him; a new name shows there too.
    await watching.locator(label(OBAMA)).first().waitFor();
    await obamaRow.getByRole('button', { name: 'Rename' }).click();
    await page.getByLabel(`New name for ${OBAMA}`).fill(RENAMED);
    await page.getByRole('button', { name: 'Save' }).click();
    const renamedRow = rows.filter({ hasText: RENAMED });
    await renamedRow.getByRole('heading', { name: RENAMED }).waitFor();
    await watching.locator(label(RENAMED)).first().waitFor({ timeout: 20_000 });

    // Deleting him...
    await renamedRow.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('This cannot be undone').waitFor();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.getByText(`${RENAMED} was deleted`).waitFor();
    expect(await rows.count()).toBe(1);

    // ...and changes to unknown once his answers outvote the old ones (no reload).
    await watching.locator(label('unknown')).first().waitFor({ timeout: 20_000 });
    await watching.waitForTimeout(1500);
    expect([...(await labelsSeen(watching, 2000))]).toEqual(['unknown']);
    expect(errors).toEqual([]);
    await context.close();
    await watching.context().close();
  });

  it('recognises the person registered from photos, and works at phone width', async () => {
    const { page, context, errors } = await newPage(browsers.emotions!, server.url, { width: 375, height: 800 });
    await page.goto('/');
    await page.locator(label(EMOTIONS)).first().waitFor({ timeout: 20_000 });
    await checkPhoneWidth(page, 'recognize-phone');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows an alert while the server is down and recovers by itself when it is back', async () => {
    const { page, context } = await newPage(browsers.emotions!, server.url);
    await page.goto('/');
    await page.locator(label(EMOTIONS)).first().waitFor({ timeout: 20_000 });

    // A crash, not a graceful stop: connections drop and the port refuses.
    const { port, dataDir, adminKey } = server;
    await server.kill();
    const down = page.getByRole('alert').filter({ hasText: 'Cannot reach the server' });
    await down.waitFor({ timeout: 15_000 });
    // No stale names while nothing answers.
    await page.locator(label(EMOTIONS)).waitFor({ state: 'detached', timeout: 5000 });
    await shoot(page, 'recognize-server-down');

    server = await startServer({ env: SERVER_ENV, port, dataDir, adminKey });
    await down.waitFor({ state: 'detached', timeout: 30_000 });
    await page.locator(label(EMOTIONS)).first().waitFor({ timeout: 20_000 });
    await context.close();
  });
});
