/**
 * The admin page and the first-start sign-in link, end to end: the production build, a real
 * registry in a temp folder, Debian's Chromium. The tests run in order and build on each other:
 * the tab signed in by the link creates a key, the key is used and revoked, and the audit trail
 * lists both changes. Camera video (for the recognition page's 401): fr-examples obama
 * (examples__knn_examples__test__obama1.jpg).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { API_KEY_STORAGE } from '@/lib/client/api-key';
import { readDataset } from '../helpers/datasets';
import { call } from '../helpers/http';
import { startServer, type RunningServer } from '../helpers/server';
import { launchWithCamera, newPage } from './browser';
import { writeFakeVideo } from './fake-camera';

/** As in pages.test.ts: test-results/ unless FACEREC_SCREENSHOTS_DIR=docs/screenshots. */
const SCREENSHOTS = path.resolve(__dirname, '..', '..', process.env.FACEREC_SCREENSHOTS_DIR ?? 'test-results/screenshots');
const OBAMA_JPG = readDataset('fr-examples', 'images', 'obama', 'examples__knn_examples__test__obama1.jpg');
const KEY_NAME = 'Door camera';

/** Messages on screen that ask for a key (alerts and status boxes). */
const keyMessages = (page: Page) => page.locator('[role="alert"]:visible, [role="status"]:visible').filter({ hasText: /\bkey\b/i });

describe('admin page and sign-in link (browser, real server)', () => {
  let server: RunningServer;
  let browser: Browser;
  let videoDir: string;
  /** The tab the sign-in link opened; the later tests work in it. */
  let admin: { page: Page; context: BrowserContext; errors: string[] };
  let created: { id: string; key: string };

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    videoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facerec-admin-'));
    const video = await writeFakeVideo(path.join(videoDir, 'obama.y4m'), [OBAMA_JPG]);
    // Recognition needs a key here (not public), so the recognition page has to ask for one.
    server = await startServer();
    browser = await launchWithCamera(video);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (videoDir) fs.rmSync(videoDir, { recursive: true, force: true });
  });

  it('says once that recognition needs a key, and the sign-in link ends it', async () => {
    const { page, context, errors } = await newPage(browser, server.url);
    await page.goto('/');
    // The first frame is refused (401): the header's key form opens and says why.
    await page.getByLabel('API key', { exact: true }).waitFor({ state: 'visible', timeout: 20_000 });
    await page.waitForTimeout(1500); // a few more refused frames: still one message
    expect(await keyMessages(page).count()).toBe(1);
    // The People page too: its list is refused (401), and only the key form says so.
    await page.getByRole('link', { name: 'People' }).click();
    await page.getByLabel('API key', { exact: true }).waitFor({ state: 'visible', timeout: 20_000 });
    await page.waitForTimeout(500);
    expect(await keyMessages(page).count()).toBe(1);
    expect(await page.getByText('Could not load people').count()).toBe(0);

    // The link the server prints on first start, opened in a fresh tab.
    const signedIn = await newPage(browser, server.url);
    await signedIn.page.goto(`/#key=${encodeURIComponent(server.adminKey)}`);
    await signedIn.page.getByRole('button', { name: 'API key (set)' }).waitFor();
    expect(new URL(signedIn.page.url()).hash).toBe('');
    expect(signedIn.page.url()).not.toContain(server.adminKey);
    expect(await signedIn.page.evaluate((k) => sessionStorage.getItem(k), API_KEY_STORAGE)).toBe(server.adminKey);
    await signedIn.page.locator('[data-face-label="unknown"]').waitFor({ timeout: 20_000 });
    expect(await keyMessages(signedIn.page).count()).toBe(0);
    expect([...errors, ...signedIn.errors]).toEqual([]);
    await signedIn.context.close();
    await context.close();
  });

  it('signs in to the admin page from a #key= link, and the key stays out of the address bar and history', async () => {
    admin = await newPage(browser, server.url, { height: 1000 });
    const { page } = admin;
    await page.goto(`/admin#key=${encodeURIComponent(server.adminKey)}`);
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    expect(page.url()).toBe(`${server.url}/admin`);
    expect(await page.evaluate((k) => sessionStorage.getItem(k), API_KEY_STORAGE)).toBe(server.adminKey);
    // The key went with the tab, not with the address: other pages work, and Back does not bring it back.
    await page.getByRole('link', { name: 'People' }).click();
    await page.getByText('Nobody is registered yet.').waitFor();
    await page.goBack();
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    expect(page.url()).toBe(`${server.url}/admin`);
    expect(admin.errors).toEqual([]);
  });

  it('shows the service settings from /info and /ready', async () => {
    const { page } = admin;
    const settings = page.getByRole('region', { name: 'Service' });
    await settings.getByText('of strangers are named as someone').waitFor();
    expect(await settings.locator('[data-setting="workers"]').textContent()).toBe('1');
    expect(await settings.locator('[data-setting="registry"]').textContent()).toMatch(/^0 people, 0 face templates/);
    // Today's bar for this gallery, as /ready gives it.
    const ready = await call(server.url, 'GET', '/ready', { key: server.adminKey });
    expect(await settings.locator('[data-setting="bar"]').textContent()).toBe(String(ready.body.recognition.threshold));
    await settings.getByText('exact search').waitFor();
    // At a phone's width nothing sticks out sideways (the tables scroll inside their boxes).
    await page.setViewportSize({ width: 375, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.setViewportSize({ width: 1200, height: 1000 });
  });

  it('creates a key shown once with a copy button; the key works; revoking it asks first, then it is refused', async () => {
    const { page, context } = admin;
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await page.getByLabel('Key name').fill(KEY_NAME);
    await page.getByLabel('Role').selectOption('recognize');
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = page.getByTestId('new-key');
    await shown.waitFor();
    const key = (await shown.textContent())!.trim();
    expect(key).toMatch(/^frk_[A-Za-z0-9_-]{40,}$/);
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);

    const rows = page.getByRole('table', { name: 'API keys' }).getByRole('row').filter({ hasText: KEY_NAME });
    await rows.waitFor();
    expect(await rows.count()).toBe(1);
    expect(await rows.locator('td').first().textContent()).toBe('recognize');
    expect(await rows.locator('[data-last-used]').textContent()).toBe('never');
    created = { id: (await rows.getAttribute('data-key-id'))!, key };
    // Settings and keys, above the fold; the audit trail has its own picture below.
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admin.jpg'), type: 'jpeg', quality: 80 });

    // Use it: a recognition call with the new key.
    const used = await call(server.url, 'POST', '/recognize', { key, body: OBAMA_JPG, contentType: 'image/jpeg' });
    expect(used.status).toBe(200);
    expect(used.body.faces).toHaveLength(1);
    // It is no admin key: a tab signed in with it is told so, once.
    const other = await newPage(browser, server.url, { apiKey: key });
    await other.page.goto('/admin');
    await other.page.getByText('This page needs an admin key').waitFor();
    await other.page.getByText('does not have the “admin” role').waitFor();
    expect(await other.page.getByRole('heading', { name: 'API keys' }).count()).toBe(0);
    expect(await keyMessages(other.page).count()).toBe(1);
    await other.context.close();

    // The list shows the use (the page is reloaded; the key is not shown again).
    await page.reload();
    await rows.waitFor();
    expect(await rows.locator('[data-last-used]').textContent()).not.toBe('never');
    expect(await page.getByTestId('new-key').count()).toBe(0);

    // Revoking asks first; Cancel keeps the key.
    const dialog = page.getByRole('dialog');
    await rows.getByRole('button', { name: `Revoke ${KEY_NAME}` }).click();
    await dialog.getByText('This cannot be undone').waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await rows.count()).toBe(1);
    await rows.getByRole('button', { name: `Revoke ${KEY_NAME}` }).click();
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    await page.getByText(`The key “${KEY_NAME}” was revoked`).waitFor();
    expect(await rows.count()).toBe(0);
    const refused = await call(server.url, 'POST', '/recognize', { key, body: OBAMA_JPG, contentType: 'image/jpeg' });
    expect(refused.status).toBe(401);
    expect((await call(server.url, 'GET', '/keys', { key: server.adminKey })).body.keys).toEqual([]);
    expect(admin.errors).toEqual([]);
  });

  // Needs GET /api/v1/audit (the audit trail's backend, built on another branch).
  it('lists the key’s creation and revocation in the audit trail, newest first, and filters them', async () => {
    const { page } = admin;
    const trail = page.getByRole('table', { name: 'Audit trail' });
    await trail.locator('[data-audit-action="key.revoke"]').waitFor({ timeout: 10_000 });
    const actions = await trail.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-audit-action')));
    expect(actions.filter((a) => a === 'key.create')).toHaveLength(1);
    expect(actions.filter((a) => a === 'key.revoke')).toHaveLength(1);
    expect(actions.indexOf('key.revoke')).toBeLessThan(actions.indexOf('key.create'));
    // Each names the key and who did it (the configured admin key), never the key itself.
    for (const action of ['key.create', 'key.revoke']) {
      const row = trail.locator(`[data-audit-action="${action}"]`);
      const text = (await row.textContent()) ?? '';
      expect(text).toContain(`key ${created.id.slice(0, 8)}`);
      expect(text).toMatch(/admin/);
      expect(text).not.toContain(created.key);
    }
    expect(await trail.locator('[data-audit-action="key.create"]').textContent()).toContain('role: recognize');
    await page.getByRole('region', { name: 'Audit trail' }).screenshot({ path: path.join(SCREENSHOTS, 'admin-audit.jpg'), type: 'jpeg', quality: 80 });

    // Filters narrow the list on the server.
    await page.getByLabel('Action', { exact: true }).selectOption('key.revoke');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-audit-action]')];
      return rows.length === 1 && rows[0].getAttribute('data-audit-action') === 'key.revoke';
    });
    await page.getByLabel('Actor', { exact: true }).fill('admin');
    await page.getByLabel('From', { exact: true }).fill('2000-01-01T00:00');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('1 entry, newest first').waitFor();
    await page.getByLabel('Until', { exact: true }).fill('2000-01-02T00:00');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('No entry matches these filters.').waitFor();
    expect(admin.errors).toEqual([]);
    await admin.context.close();
  });
});
