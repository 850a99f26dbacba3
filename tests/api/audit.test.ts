/**
 * The audit trail over HTTP, against the production build: every mutating route leaves exactly
 * one entry naming the right action, actor and targets; a refused or failed change leaves none;
 * GET /api/v1/audit filters and pages, for the admin only.
 */
import { readDataset } from '../helpers/datasets';
import { call, imageForm } from '../helpers/http';
import { startServer, type RunningServer } from '../helpers/server';

let server: RunningServer;
let admin: string;
let enroll: { id: string; key: string };
let recognizeKey: string;

const MISSING = '00000000-0000-4000-8000-000000000000';
const ADMIN_ACTOR = { kind: 'admin', keyId: null, name: 'admin' };

interface Entry {
  id: string;
  at: string;
  action: string;
  actor: { kind: string; keyId: string | null; name: string };
  personId: string | null;
  faceId: string | null;
  keyId: string | null;
  address: string | null;
  details: Record<string, unknown> | null;
}

async function entries(query = ''): Promise<Entry[]> {
  const res = await call(server.url, 'GET', `/audit?limit=200${query}`, { key: admin });
  expect(res.status).toBe(200);
  expect(res.body.nextCursor).toBeNull();
  return res.body.entries;
}

/** Runs a change and returns the one entry it added (failing unless it added exactly one). */
async function oneEntryOf(change: () => Promise<{ status: number }>, status: number): Promise<Entry> {
  const before = await entries();
  expect((await change()).status).toBe(status);
  const after = await entries();
  expect(after.slice(1)).toEqual(before);
  return after[0];
}

/** Runs a change that must be refused and checks it added no entry. */
async function noEntryFrom(change: () => Promise<{ status: number }>, status: number): Promise<void> {
  const before = await entries();
  expect((await change()).status).toBe(status);
  expect(await entries()).toEqual(before);
}

beforeAll(async () => {
  server = await startServer();
  admin = server.adminKey;
  const created = await call(server.url, 'POST', '/keys', { key: admin, json: { name: 'front desk', role: 'enroll' } });
  enroll = { id: created.body.id, key: created.body.key };
  recognizeKey = (await call(server.url, 'POST', '/keys', { key: admin, json: { name: 'camera', role: 'recognize' } })).body.key;
});
afterAll(() => server?.stop());

describe('every mutating route leaves exactly one audit entry', () => {
  let personId: string;
  let faceId: string;

  it('POST /keys: key.create by the admin key, with the role', async () => {
    const [first] = await entries('&action=key.create&actor=admin');
    expect(first).toMatchObject({ action: 'key.create', actor: ADMIN_ACTOR, address: '127.0.0.1', details: { role: 'recognize' } });
    let keyId = '';
    const entry = await oneEntryOf(async () => {
      const res = await call(server.url, 'POST', '/keys', { key: admin, json: { name: 'spare', role: 'metrics' } });
      keyId = res.body.id;
      return res;
    }, 201);
    expect(entry).toMatchObject({ action: 'key.create', actor: ADMIN_ACTOR, keyId, personId: null, faceId: null, details: { role: 'metrics' } });
    expect(entry.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('POST /people: person.create by the enroll key, named by key id and name', async () => {
    let id = '';
    const entry = await oneEntryOf(async () => {
      const res = await call(server.url, 'POST', '/people', { key: enroll.key, json: { name: 'Barack Obama', externalId: 'potus-44' } });
      id = res.body.id;
      return res;
    }, 201);
    personId = id;
    expect(entry).toMatchObject({ action: 'person.create', actor: { kind: 'key', keyId: enroll.id, name: 'front desk' }, personId, address: '127.0.0.1' });
  });

  it('PATCH /people/:id: person.update with the fields changed, not their values', async () => {
    const entry = await oneEntryOf(() => call(server.url, 'PATCH', `/people/${personId}`, { key: enroll.key, json: { name: 'B. Obama', metadata: { team: 'x' } } }), 200);
    expect(entry).toMatchObject({ action: 'person.update', personId, details: { fields: ['name', 'metadata'] } });
  });

  it('POST /people/:id/faces: face.add with the face id and its source', async () => {
    let accepted: string[] = [];
    const entry = await oneEntryOf(async () => {
      const res = await call(server.url, 'POST', `/people/${personId}/faces?source=upload`, {
        key: enroll.key,
        form: imageForm('image', [readDataset('fr-examples', 'images', 'obama', 'examples__obama.jpg')]),
      });
      accepted = res.body.results.filter((r: { accepted: boolean }) => r.accepted).map((r: { faceId: string }) => r.faceId);
      return res;
    }, 200);
    expect(accepted).toHaveLength(1);
    faceId = accepted[0];
    expect(entry).toMatchObject({ action: 'face.add', personId, faceId, details: { source: 'upload' }, actor: { keyId: enroll.id } });
  });

  it('DELETE /people/:id/faces/:faceId: face.delete', async () => {
    const entry = await oneEntryOf(() => call(server.url, 'DELETE', `/people/${personId}/faces/${faceId}`, { key: enroll.key }), 204);
    expect(entry).toMatchObject({ action: 'face.delete', personId, faceId });
  });

  it('DELETE /keys/:id: key.revoke', async () => {
    const spare = (await call(server.url, 'POST', '/keys', { key: admin, json: { name: 'to revoke', role: 'enroll' } })).body.id;
    const entry = await oneEntryOf(() => call(server.url, 'DELETE', `/keys/${spare}`, { key: admin }), 204);
    expect(entry).toMatchObject({ action: 'key.revoke', keyId: spare, actor: ADMIN_ACTOR });
  });

  it('DELETE /people/:id: person.delete, and every earlier entry naming the person is erased', async () => {
    expect((await entries(`&personId=${personId}`)).length).toBe(4);
    const before = await entries();
    expect((await call(server.url, 'DELETE', `/people/${personId}`, { key: enroll.key })).status).toBe(204);
    const after = await entries();
    expect(after.slice(1)).toEqual(before.filter((e) => e.personId !== personId));
    expect(after[0]).toMatchObject({ action: 'person.delete', personId, actor: { keyId: enroll.id } });
    const left = await entries(`&personId=${personId}`);
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({ action: 'person.delete', personId, faceId: null, details: null });
    expect(JSON.stringify(await entries())).not.toMatch(/Obama|potus/);
  });
});

describe('a refused or failed change leaves no entry', () => {
  let personId: string;
  beforeAll(async () => {
    personId = (await call(server.url, 'POST', '/people', { key: enroll.key, json: { name: 'Refusals', externalId: 'taken' } })).body.id;
  });

  it.each([
    ['POST /people with an empty name', () => call(server.url, 'POST', '/people', { key: enroll.key, json: { name: '' } }), 400],
    ['POST /people with a taken external id', () => call(server.url, 'POST', '/people', { key: enroll.key, json: { name: 'Twin', externalId: 'taken' } }), 409],
    ['POST /people by a recognize key', () => call(server.url, 'POST', '/people', { key: recognizeKey, json: { name: 'No' } }), 403],
    ['POST /people without a key', () => call(server.url, 'POST', '/people', { json: { name: 'No' } }), 401],
    ['PATCH an unknown person', () => call(server.url, 'PATCH', `/people/${MISSING}`, { key: enroll.key, json: { name: 'X' } }), 404],
    ['PATCH with a bad body', () => call(server.url, 'PATCH', `/people/${personId}`, { key: enroll.key, json: { name: 5 } }), 400],
    ['DELETE an unknown person', () => call(server.url, 'DELETE', `/people/${MISSING}`, { key: enroll.key }), 404],
    ['POST faces to an unknown person', () => call(server.url, 'POST', `/people/${MISSING}/faces`, { key: enroll.key, form: imageForm('image', [readDataset('fr-examples', 'images', 'obama', 'examples__obama2.jpg')]) }), 404],
    ['POST faces with a bad source', () => call(server.url, 'POST', `/people/${personId}/faces?source=mars`, { key: enroll.key, form: imageForm('image', [readDataset('fr-examples', 'images', 'obama', 'examples__obama2.jpg')]) }), 400],
    ['POST faces with no face in the photo (200, nothing accepted)', () => call(server.url, 'POST', `/people/${personId}/faces`, { key: enroll.key, form: imageForm('image', [readDataset('no-face', 'images', 'deepface_cat_smile.jpg')]) }), 200],
    ['DELETE an unknown face', () => call(server.url, 'DELETE', `/people/${personId}/faces/${MISSING}`, { key: enroll.key }), 404],
    ['POST /keys with a bad role', () => call(server.url, 'POST', '/keys', { key: admin, json: { name: 'x', role: 'root' } }), 400],
    ['POST /keys by an enroll key', () => call(server.url, 'POST', '/keys', { key: enroll.key, json: { name: 'x', role: 'admin' } }), 403],
    ['DELETE an unknown key', () => call(server.url, 'DELETE', `/keys/${MISSING}`, { key: admin }), 404],
  ])('%s', async (_what, change, status) => {
    await noEntryFrom(change, status);
  });
});

describe('GET /api/v1/audit', () => {
  it('is for the admin only', async () => {
    expect((await call(server.url, 'GET', '/audit')).status).toBe(401);
    expect((await call(server.url, 'GET', '/audit', { key: enroll.key })).status).toBe(403);
    expect((await call(server.url, 'GET', '/audit', { key: recognizeKey })).status).toBe(403);
  });

  it('filters by action, actor and time, and pages newest first with a cursor', async () => {
    const all = await entries();
    expect(all.length).toBeGreaterThan(5);
    const paged: Entry[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { entries: Entry[]; nextCursor: string | null } } = await call(server.url, 'GET', `/audit?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { key: admin });
      expect(res.status).toBe(200);
      expect(res.body.entries.length).toBeLessThanOrEqual(2);
      paged.push(...res.body.entries);
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(all);

    const creates = await entries('&action=key.create');
    expect(creates.length).toBeGreaterThanOrEqual(3);
    expect(creates.every((e) => e.action === 'key.create')).toBe(true);
    const byEnroll = await entries(`&actor=${enroll.id}`);
    expect(byEnroll.length).toBeGreaterThan(0);
    expect(byEnroll.every((e) => e.actor.keyId === enroll.id)).toBe(true);
    expect((await entries('&actor=admin')).every((e) => e.actor.kind === 'admin')).toBe(true);
    expect(await entries('&since=2999-01-01T00:00:00Z')).toEqual([]);
    expect(await entries(`&until=${encodeURIComponent(all[all.length - 1].at)}`)).toEqual([]);
  });

  it.each([['personId=nope'], ['actor=root'], ['action=person.rename'], ['since=yesterday'], ['limit=0'], ['limit=201'], ['cursor=abc']])(
    'answers 400 validation_failed for %s',
    async (query) => {
      const res = await call(server.url, 'GET', `/audit?${query}`, { key: admin });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    },
  );
});
