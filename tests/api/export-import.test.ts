/**
 * The admin export and import routes over real HTTP: a registry enrolled on one server is
 * downloaded, imported into an empty second server, and recognises the same person there.
 */
import crypto from 'node:crypto';
import { call, imageForm } from '../helpers/http';
import { readDataset } from '../helpers/datasets';
import { startServer, type RunningServer } from '../helpers/server';
import { expectErrorShape, rawRequest } from './raw-http';

const obama = (f: string) => readDataset('fr-examples', 'images', 'obama', f);
const JSONL = 'application/x-ndjson';
/** The second server's import limit: room for this file's registry, not for the padded body below. */
const IMPORT_LIMIT = 64 * 1024;

let source: RunningServer;
let target: RunningServer;
let enrollKey: string;
let exported: string;
let personId: string;

beforeAll(async () => {
  [source, target] = await Promise.all([startServer(), startServer({ env: { FACEREC_MAX_IMPORT_BYTES: String(IMPORT_LIMIT) } })]);
  enrollKey = (await call(source.url, 'POST', '/keys', { key: source.adminKey, json: { name: 'enroller', role: 'enroll' } })).body.key;
  const created = await call(source.url, 'POST', '/people', { key: enrollKey, json: { name: 'Barack Obama', externalId: 'potus-44' } });
  personId = created.body.id;
  const faces = await call(source.url, 'POST', `/people/${personId}/faces?source=upload`, { key: enrollKey, form: imageForm('image', [obama('examples__obama.jpg'), obama('examples__obama2.jpg')]) });
  expect(faces.body.accepted).toBe(2);
}, 180_000);
afterAll(() => Promise.all([source?.stop(), target?.stop()]));

const peopleOn = async (server: RunningServer) => (await call(server.url, 'GET', '/people', { key: server.adminKey })).body.people as { id: string; name: string }[];

describe('GET /api/v1/admin/export', () => {
  it('streams the registry as a JSON Lines download, for admin keys only', async () => {
    const res = await fetch(`${source.url}/api/v1/admin/export`, { headers: { authorization: `Bearer ${source.adminKey}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="facerec-export-[0-9TZ-]+\.jsonl"$/);
    exported = await res.text();
    const lines = exported.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ format: 'facerec-registry', version: 1, backend: 'sqlite' });
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ id: personId, name: 'Barack Obama', externalId: 'potus-44' });
    expect(lines[1].templates).toHaveLength(2);

    expect((await call(source.url, 'GET', '/admin/export', { key: enrollKey })).status).toBe(403);
    const anonymous = await call(source.url, 'GET', '/admin/export');
    expect([anonymous.status, anonymous.body.error.code]).toEqual([401, 'unauthorized']);
  });
});

describe('POST /api/v1/admin/import', () => {
  it('imports an export into an empty server, which then names the person', async () => {
    const res = await call(target.url, 'POST', '/admin/import', { key: target.adminKey, body: exported, contentType: JSONL });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ people: 1, templates: 2 });
    expect((await peopleOn(target)).map((p) => [p.id, p.name])).toEqual([[personId, 'Barack Obama']]);
    const recognized = await call(target.url, 'POST', '/recognize', { key: target.adminKey, body: obama('tests__test_images__obama3.jpg'), contentType: 'image/jpeg' });
    expect(recognized.body.faces.map((f: { match: { name: string } | null }) => f.match?.name ?? null)).toEqual(['Barack Obama']);
  });

  it('imports nothing when one line is bad, and names the line', async () => {
    const [header, person] = exported.trimEnd().split('\n');
    // A valid new person (fresh ids), then a broken line: neither may land.
    const fresh = JSON.parse(person);
    fresh.id = crypto.randomUUID();
    fresh.externalId = null;
    for (const t of fresh.templates) t.id = crypto.randomUUID();
    const body = [header, JSON.stringify(fresh), '{"id":"x"}', ''].join('\n');
    const res = await call(target.url, 'POST', '/admin/import', { key: target.adminKey, body, contentType: JSONL });
    expect([res.status, res.body.error.code]).toEqual([400, 'validation_failed']);
    expect(res.body.error.message).toMatch(/^import line 3: /);
    expect(await peopleOn(target)).toHaveLength(1);
  });

  it('refuses ids already present with 409, all or nothing', async () => {
    const res = await call(target.url, 'POST', '/admin/import', { key: target.adminKey, body: exported, contentType: JSONL });
    expect([res.status, res.body.error.code]).toEqual([409, 'conflict']);
    expect(await peopleOn(target)).toHaveLength(1);
  });

  it.each([
    ['a body over the import limit', { body: 'x'.repeat(IMPORT_LIMIT + 1), contentType: JSONL }, 413, 'payload_too_large'],
    ['a JSON content type', { body: exported, contentType: 'application/json' }, 415, 'unsupported_media_type'],
    ['bytes that are not UTF-8', { body: Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a]), contentType: JSONL }, 400, 'invalid_request'],
    ['an empty body', { body: '', contentType: JSONL }, 400, 'validation_failed'],
  ])('answers %s with a JSON error', async (_what, opts, status, code) => {
    const res = await call(target.url, 'POST', '/admin/import', { key: target.adminKey, ...opts });
    expect([res.status, res.body.error.code]).toEqual([status, code]);
  });

  it('refuses a body without Content-Length: a body cut short could not be told from a smaller registry', async () => {
    // node:http sends a body written without a length as chunks.
    const res = await rawRequest(target.url, 'POST', '/api/v1/admin/import', { headers: { authorization: `Bearer ${target.adminKey}`, 'content-type': JSONL }, body: exported });
    expectErrorShape(res, 'chunked import');
    expect([res.status, res.json.error.code]).toEqual([400, 'invalid_request']);
    expect(res.json.error.message).toMatch(/Content-Length/);
  });

  it('is for admin keys only', async () => {
    const res = await call(target.url, 'POST', '/admin/import', { body: exported, contentType: JSONL });
    expect(res.status).toBe(401);
  });
});
