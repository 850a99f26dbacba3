/**
 * The contract against the real server (production build, real models, SQLite): it serves the
 * contract's OpenAPI document, and its real answers parse with the contract's strict schemas, so
 * a field sent but not in the contract (or the other way round) fails here. The length rules
 * hold end to end: an emoji name and multibyte metadata at their limits pass, one past them not.
 */
import type { z } from 'zod';
import {
  LIMITS,
  addFacesResponse,
  auditPageSchema,
  buildOpenApi,
  createdKeySchema,
  detectResponse,
  errorBodySchema,
  healthSchema,
  importCountsSchema,
  infoSchema,
  keyListSchema,
  peoplePageSchema,
  personDetailSchema,
  personExportSchema,
  personSchema,
  readySchema,
  recognizeResponse,
  sightingsPageSchema,
  utf8ByteLength,
  verifyResponse,
} from '@/lib/contract';
import { call, imageForm } from '../helpers/http';
import { readDataset } from '../helpers/datasets';
import { startServer, type RunningServer } from '../helpers/server';

let server: RunningServer;
let admin: string;

const obama = (f: string) => readDataset('fr-examples', 'images', 'obama', f);
const biden = (f: string) => readDataset('fr-examples', 'images', 'biden', f);

beforeAll(async () => {
  // Sightings on: the people list then carries lastSeenAt, and the sightings route has rows to answer.
  server = await startServer({ env: { FACEREC_KEEP_CROPS: 'true', FACEREC_SIGHTINGS: 'true' } });
  admin = server.adminKey;
});
afterAll(() => server?.stop());

/** The answer, parsed by the contract's schema (throws with the differing fields). */
function conforms<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const result = schema.safeParse(body);
  if (!result.success) throw new Error(`answer does not match the contract: ${JSON.stringify(result.error.issues)}\n${JSON.stringify(body).slice(0, 2000)}`);
  return result.data;
}

describe('GET /api/v1/openapi.json', () => {
  it('serves the contract document to anyone, cacheable', async () => {
    const res = await call(server.url, 'GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(res.body).toEqual(buildOpenApi());
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths)).toContain('/api/v1/people/{id}/faces');
  });

  it('answers only GET (and HEAD)', async () => {
    const res = await call(server.url, 'POST', '/openapi.json', { json: {} });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    conforms(errorBodySchema, res.body);
  });
});

describe('real answers match the contract', () => {
  it('service routes, with and without a key', async () => {
    conforms(healthSchema, (await call(server.url, 'GET', '/health')).body);
    expect(Object.keys(conforms(readySchema, (await call(server.url, 'GET', '/ready')).body))).toEqual(['status']);
    expect(conforms(readySchema, (await call(server.url, 'GET', '/ready', { key: admin })).body).registry).toBeDefined();
    expect(conforms(infoSchema, (await call(server.url, 'GET', '/info')).body).version).toBeUndefined();
    expect(conforms(infoSchema, (await call(server.url, 'GET', '/info', { key: admin })).body).recognition.threshold).toEqual(expect.any(Number));
  });

  it('keys', async () => {
    const created = await call(server.url, 'POST', '/keys', { key: admin, json: { name: 'contract', role: 'recognize' } });
    expect(created.status).toBe(201);
    const key = conforms(createdKeySchema, created.body);
    expect(conforms(keyListSchema, (await call(server.url, 'GET', '/keys', { key: admin })).body).keys.map((k) => k.id)).toContain(key.id);
    conforms(errorBodySchema, (await call(server.url, 'GET', '/keys', { key: key.key })).body);
  });

  it('people, enrollment, recognition, detection and verification', async () => {
    const created = await call(server.url, 'POST', '/people', { key: admin, json: { name: 'Barack Obama', metadata: { office: 44 } } });
    expect(created.status).toBe(201);
    const person = conforms(personSchema, created.body);
    const faces = await call(server.url, 'POST', `/people/${person.id}/faces?source=upload`, {
      key: admin,
      form: imageForm('image', [obama('examples__obama.jpg'), readDataset('no-face', 'images', 'skimage_coffee.png'), new Uint8Array([1, 2, 3])]),
    });
    expect(faces.status).toBe(200);
    const added = conforms(addFacesResponse, faces.body);
    expect(added.results.map((r) => (r.accepted ? 'accepted' : r.reasons[0]))).toEqual(['accepted', 'no-face', 'unreadable']);

    const detail = conforms(personDetailSchema, (await call(server.url, 'GET', `/people/${person.id}`, { key: admin })).body);
    expect(detail.templates[0]).toMatchObject({ personId: person.id, source: 'upload', hasCrop: true });
    const crop = await call(server.url, 'GET', `/people/${person.id}/faces/${detail.templates[0].id}/crop`, { key: admin });
    expect([crop.status, crop.headers.get('content-type')]).toEqual([200, 'image/jpeg']);
    conforms(peoplePageSchema, (await call(server.url, 'GET', '/people?limit=5', { key: admin })).body);
    conforms(personSchema, (await call(server.url, 'PATCH', `/people/${person.id}`, { key: admin, json: { externalId: 'potus-44' } })).body);

    const recognized = conforms(recognizeResponse, (await call(server.url, 'POST', '/recognize', { key: admin, body: obama('tests__test_images__obama3.jpg'), contentType: 'image/jpeg' })).body);
    expect(recognized.faces[0].match?.name).toBe('Barack Obama');
    const stranger = conforms(recognizeResponse, (await call(server.url, 'POST', '/recognize', { key: admin, body: biden('examples__biden.jpg'), contentType: 'image/jpeg' })).body);
    expect(stranger.faces[0].decision.reason).not.toBeNull();
    conforms(detectResponse, (await call(server.url, 'POST', '/detect', { key: admin, body: biden('examples__biden.jpg'), contentType: 'image/jpeg' })).body);
    const verified = await call(server.url, 'POST', '/verify', { key: admin, form: imageForm('image', [obama('examples__obama2.jpg')], { personId: person.id }) });
    expect(conforms(verifyResponse, verified.body).match).toBe(true);

    const missing = await call(server.url, 'GET', '/people/6f4f73da-12a1-4720-b6d7-723de44715b1', { key: admin });
    expect([missing.status, conforms(errorBodySchema, missing.body).error.code]).toEqual([404, 'not_found']);
  });

  it("a person's sightings and data, and the audit trail", async () => {
    const people = conforms(peoplePageSchema, (await call(server.url, 'GET', '/people?q=Barack', { key: admin })).body).people;
    const id = people[0].id;
    // Sightings are written just after the answer is sent: poll (no time asserted) until the recognition above shows.
    let sightings = conforms(sightingsPageSchema, (await call(server.url, 'GET', `/people/${id}/sightings`, { key: admin })).body);
    for (let i = 0; i < 100 && sightings.sightings.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      sightings = conforms(sightingsPageSchema, (await call(server.url, 'GET', `/people/${id}/sightings`, { key: admin })).body);
    }
    expect([sightings.recording, sightings.sightings[0]?.personId]).toEqual([true, id]);
    expect(conforms(peoplePageSchema, (await call(server.url, 'GET', '/people?q=Barack', { key: admin })).body).people[0].lastSeenAt).toEqual(expect.any(String));

    const exported = await call(server.url, 'GET', `/people/${id}/export`, { key: admin });
    expect(exported.headers.get('content-disposition')).toBe(`attachment; filename="person-${id}.json"`);
    const document = conforms(personExportSchema, exported.body);
    expect([document.person.id, typeof document.templates[0].crop, document.sightings.length > 0]).toEqual([id, 'string', true]);
    expect(document.audit.map((e) => e.action)).toEqual(expect.arrayContaining(['person.create', 'person.update', 'face.add']));

    const trail = conforms(auditPageSchema, (await call(server.url, 'GET', `/audit?personId=${id}&limit=2`, { key: admin })).body);
    expect([trail.entries.length, trail.nextCursor]).toEqual([2, expect.any(String)]);
    expect(trail.entries[0].actor.kind).toBe('admin');
    const bad = await call(server.url, 'GET', '/audit?action=person.rename', { key: admin });
    expect([bad.status, conforms(errorBodySchema, bad.body).error.code]).toEqual([400, 'validation_failed']);
  });

  it('registry export and import', async () => {
    const created = conforms(personSchema, (await call(server.url, 'POST', '/people', { key: admin, json: { name: 'Moved Away' } })).body);
    const exported = await call(server.url, 'GET', '/admin/export', { key: admin });
    expect([exported.status, exported.headers.get('content-type'), exported.headers.get('content-disposition')]).toEqual([
      200,
      'application/x-ndjson; charset=utf-8',
      expect.stringMatching(/^attachment; filename="facerec-export-.+\.jsonl"$/),
    ]);
    const lines = (exported.body as string).split('\n').filter(Boolean);
    for (const line of lines) JSON.parse(line);
    // Gone from the registry, then brought back from its line of the export.
    expect((await call(server.url, 'DELETE', `/people/${created.id}`, { key: admin })).status).toBe(204);
    const body = [lines[0], ...lines.filter((l) => l.includes(created.id))].join('\n') + '\n';
    const imported = await call(server.url, 'POST', '/admin/import', { key: admin, body, contentType: 'application/x-ndjson' });
    expect(conforms(importCountsSchema, imported.body)).toEqual({ people: 1, templates: 0 });
    expect(conforms(personDetailSchema, (await call(server.url, 'GET', `/people/${created.id}`, { key: admin })).body).name).toBe('Moved Away');
  });
});

describe('one length rule on both layers, over HTTP', () => {
  const create = (json: unknown) => call(server.url, 'POST', '/people', { key: admin, json });

  it('takes an emoji name at the limit and refuses one past it', async () => {
    const atLimit = '😀'.repeat(LIMITS.nameMaxCodePoints);
    const ok = await create({ name: atLimit });
    expect([ok.status, ok.body.name]).toEqual([201, atLimit]);
    const over = await create({ name: atLimit + '😀' });
    expect([over.status, over.body.error.code]).toEqual([400, 'validation_failed']);
    expect(over.body.error.message).toBe(`name: must be at most ${LIMITS.nameMaxCodePoints} characters`);
  });

  it('takes multibyte metadata at the byte limit and refuses one byte more', async () => {
    const frame = utf8ByteLength(JSON.stringify({ a: '' }));
    const euros = Math.floor((LIMITS.metadataMaxBytes - frame) / 3);
    const atLimit = { a: '€'.repeat(euros) + 'x'.repeat(LIMITS.metadataMaxBytes - frame - 3 * euros) };
    expect(utf8ByteLength(JSON.stringify(atLimit))).toBe(LIMITS.metadataMaxBytes);
    const ok = await create({ name: 'Bytes', metadata: atLimit });
    expect([ok.status, ok.body.metadata]).toEqual([201, atLimit]);
    const over = await create({ name: 'Bytes', metadata: { a: atLimit.a + 'x' } });
    expect([over.status, over.body.error.code]).toEqual([400, 'validation_failed']);
    expect(over.body.error.message).toMatch(/metadata: must be at most 16384 bytes/);
  });
});
