/**
 * Sightings and a person's data on request, against the real standalone server with
 * FACEREC_SIGHTINGS=true and crops kept: one track is one sighting, the export holds one person's
 * data and nobody else's, and deleting the person deletes their sightings from the database.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { call, imageForm } from '../helpers/http';
import { readDataset } from '../helpers/datasets';
import { startServer, type RunningServer } from '../helpers/server';

let server: RunningServer;
let enrollKey: string;
let recognizeKey: string;
let recognizeKeyId: string;
let obamaId: string;
let bidenId: string;

const obama = (f: string) => readDataset('fr-examples', 'images', 'obama', f);
const biden = (f: string) => readDataset('fr-examples', 'images', 'biden', f);

async function enroll(name: string, photos: Uint8Array[]): Promise<string> {
  const { body: person } = await call(server.url, 'POST', '/people', { key: enrollKey, json: { name } });
  const faces = await call(server.url, 'POST', `/people/${person.id}/faces?source=upload`, { key: enrollKey, form: imageForm('image', photos) });
  expect(faces.body.accepted).toBe(photos.length);
  return person.id;
}

async function recognizeNames(bytes: Uint8Array): Promise<(string | null)[]> {
  const res = await call(server.url, 'POST', '/recognize', { key: recognizeKey, body: bytes, contentType: 'image/jpeg' });
  expect(res.status).toBe(200);
  return res.body.faces.map((f: { match: { name: string } | null }) => f.match?.name ?? null);
}

/** Sightings are written just after the answer is sent: poll (no time asserted) until `done` holds. */
async function sightingsWhen(personId: string, done: (s: { answers: number }[]) => boolean) {
  for (let i = 0; ; i++) {
    const res = await call(server.url, 'GET', `/people/${personId}/sightings`, { key: enrollKey });
    expect(res.status).toBe(200);
    if (done(res.body.sightings) || i >= 100) return res.body;
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  server = await startServer({ env: { FACEREC_SIGHTINGS: 'true', FACEREC_KEEP_CROPS: 'true', FACEREC_MAX_BODY_BYTES: String(4 * 1024 * 1024) } });
  enrollKey = (await call(server.url, 'POST', '/keys', { key: server.adminKey, json: { name: 'enroller', role: 'enroll' } })).body.key;
  const camera = (await call(server.url, 'POST', '/keys', { key: server.adminKey, json: { name: 'door camera', role: 'recognize' } })).body;
  recognizeKey = camera.key;
  recognizeKeyId = camera.id;
  obamaId = await enroll('Barack Obama', [obama('examples__obama.jpg'), obama('examples__obama-720p.jpg')]);
  bidenId = await enroll('Joe Biden', [biden('examples__biden.jpg'), biden('examples__knn_examples__train__biden__biden2.jpg')]);
});
afterAll(() => server?.stop());

describe('sightings over HTTP', () => {
  it('records one sighting for a face recognised twice in a row, with the key that asked', async () => {
    expect(await recognizeNames(obama('tests__test_images__obama3.jpg'))).toEqual(['Barack Obama']);
    expect(await recognizeNames(obama('examples__obama2.jpg'))).toEqual(['Barack Obama']);
    const page = await sightingsWhen(obamaId, (s) => s[0]?.answers === 2);
    expect(page).toMatchObject({ next: null, recording: true, retentionDays: 30 });
    expect(page.sightings).toHaveLength(1);
    const [s] = page.sightings;
    expect(s).toMatchObject({ personId: obamaId, keyId: recognizeKeyId, answers: 2 });
    expect(Date.parse(s.lastSeenAt)).toBeGreaterThanOrEqual(Date.parse(s.firstSeenAt));
    expect(s.bestSimilarity).toBeGreaterThan(0);
    expect(s.bestSimilarity).toBeLessThanOrEqual(1);

    const list = await call(server.url, 'GET', '/people', { key: enrollKey });
    const byName = Object.fromEntries(list.body.people.map((p: { name: string; lastSeenAt: string | null }) => [p.name, p.lastSeenAt]));
    expect(byName).toEqual({ 'Barack Obama': s.lastSeenAt, 'Joe Biden': null });
  });

  it('answers 404 for an unknown person, 400 for a bad cursor or limit, and needs an enroll key', async () => {
    const unknown = await call(server.url, 'GET', '/people/00000000-0000-4000-8000-000000000000/sightings', { key: enrollKey });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    expect((await call(server.url, 'GET', `/people/${obamaId}/sightings?cursor=nope`, { key: enrollKey })).body.error.code).toBe('validation_failed');
    expect((await call(server.url, 'GET', `/people/${obamaId}/sightings?limit=201`, { key: enrollKey })).status).toBe(400);
    expect((await call(server.url, 'GET', `/people/${obamaId}/sightings`)).status).toBe(401);
    expect((await call(server.url, 'GET', `/people/${obamaId}/sightings`, { key: recognizeKey })).status).toBe(403);
  });

  it('exports one person: record, templates with crops, sightings, and nothing of anyone else', async () => {
    expect(await recognizeNames(biden('examples__biden.jpg'))).toEqual(['Joe Biden']);
    await sightingsWhen(bidenId, (s) => s.length === 1);
    expect((await call(server.url, 'GET', `/people/${obamaId}/export`, { key: enrollKey })).status).toBe(403);
    const res = await call(server.url, 'GET', `/people/${obamaId}/export`, { key: server.adminKey });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain(`person-${obamaId}.json`);
    const doc = res.body;
    expect(doc).toMatchObject({ format: 'facerec-person', version: 1, person: { id: obamaId, name: 'Barack Obama', templateCount: 2 } });
    expect(doc.templates).toHaveLength(2);
    for (const t of doc.templates) {
      expect(Object.keys(t).sort()).toEqual(['createdAt', 'crop', 'id', 'modelId', 'quality', 'source']);
      expect(Buffer.from(t.crop, 'base64').subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    }
    expect(doc.sightings).toHaveLength(1);
    expect(doc.sightings[0]).toMatchObject({ keyId: recognizeKeyId, answers: 2 });

    const other = (await call(server.url, 'GET', `/people/${bidenId}`, { key: enrollKey })).body;
    const text = JSON.stringify(doc);
    for (const foreign of [bidenId, 'Biden', ...other.templates.map((t: { id: string }) => t.id)]) expect(text).not.toContain(foreign);
    expect(text).not.toMatch(/embedding/i);
  });

  it('deleting a person deletes their sightings from the database, and nobody else\'s', async () => {
    expect((await call(server.url, 'DELETE', `/people/${obamaId}`, { key: enrollKey })).status).toBe(204);
    expect((await call(server.url, 'GET', `/people/${obamaId}/sightings`, { key: enrollKey })).status).toBe(404);
    expect((await call(server.url, 'GET', `/people/${obamaId}/export`, { key: server.adminKey })).status).toBe(404);
    // Read past the API: the rows themselves are gone.
    const db = new Database(path.join(server.dataDir, 'facerec.db'), { readonly: true });
    try {
      const count = (id: string) => db.prepare('SELECT count(*) FROM sighting WHERE person_id = ?').pluck().get(id);
      expect(count(obamaId)).toBe(0);
      expect(count(bidenId)).toBe(1);
    } finally {
      db.close();
    }
  });

  it('counts sighting writes in the metrics', async () => {
    const res = await fetch(`${server.url}/api/v1/metrics`, { headers: { authorization: `Bearer ${server.adminKey}` } });
    const text = await res.text();
    // One new sighting each for Obama and Biden. Obama's two answers were gathered into one
    // write, or into two (new, then extended) when a flush fell between them.
    expect(text).toMatch(/facerec_sightings_total\{outcome="new"\} 2\n/);
    expect(text).toMatch(/facerec_sightings_total\{outcome="extended"\} [01]\n|^(?![\s\S]*outcome="extended")/);
    expect(text).not.toMatch(/facerec_sightings_total\{outcome="(failed|gone)"\} [1-9]/);
  });
});
