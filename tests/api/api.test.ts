import { call, imageForm } from '../helpers/http';
import { readDataset } from '../helpers/datasets';
import { pngDeclaring } from '../helpers/images';
import { startServer, type RunningServer } from '../helpers/server';

// One real server (production build, real models, SQLite in a temp folder) for this file.
let server: RunningServer;
let enrollKey: string;
let recognizeKey: string;

const obama = (f: string) => readDataset('fr-examples', 'images', 'obama', f);
const biden = (f: string) => readDataset('fr-examples', 'images', 'biden', f);

beforeAll(async () => {
  server = await startServer({ env: { FACEREC_MAX_BODY_BYTES: String(4 * 1024 * 1024) } });
  const admin = server.adminKey;
  enrollKey = (await call(server.url, 'POST', '/keys', { key: admin, json: { name: 'enroller', role: 'enroll' } })).body.key;
  recognizeKey = (await call(server.url, 'POST', '/keys', { key: admin, json: { name: 'camera', role: 'recognize' } })).body.key;
});
afterAll(() => server?.stop());

async function recognizeName(bytes: Uint8Array): Promise<(string | null)[]> {
  const res = await call(server.url, 'POST', '/recognize', { key: recognizeKey, body: bytes, contentType: 'image/jpeg' });
  expect(res.status).toBe(200);
  return res.body.faces.map((f: { match: { name: string } | null }) => f.match?.name ?? null);
}

describe('recognition API over HTTP', () => {
  it('answers health and ready, and tells the pages the model and threshold', async () => {
    expect((await call(server.url, 'GET', '/health')).body).toEqual({ status: 'ok' });
    const ready = await call(server.url, 'GET', '/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ready');
    const info = await call(server.url, 'GET', '/info');
    expect(info.body.model).toMatch(/resnet34/);
    expect(info.body.threshold).toBeGreaterThan(0.5);
    expect(info.body.publicRecognition).toBe(false);
  });

  it('enrolls a person from photos, names them in another photo, and calls a stranger unknown', async () => {
    const created = await call(server.url, 'POST', '/people', { key: enrollKey, json: { name: 'Barack Obama', externalId: 'potus-44' } });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const faces = await call(server.url, 'POST', `/people/${id}/faces?source=upload`, {
      key: enrollKey,
      form: imageForm('image', [obama('examples__obama.jpg'), obama('examples__obama-720p.jpg')]),
    });
    expect(faces.status).toBe(200);
    expect(faces.body.accepted).toBeGreaterThanOrEqual(1);
    expect(faces.body.person.templateCount).toBe(faces.body.accepted);

    expect(await recognizeName(obama('tests__test_images__obama3.jpg'))).toEqual(['Barack Obama']);
    expect(await recognizeName(biden('examples__biden.jpg'))).toEqual([null]);

    const verifySame = await call(server.url, 'POST', '/verify', { key: recognizeKey, form: imageForm('image', [obama('examples__obama2.jpg')], { personId: id }) });
    expect(verifySame.body.match).toBe(true);
    const form = new FormData();
    form.append('image_a', new Blob([obama('examples__obama.jpg') as BlobPart], { type: 'image/jpeg' }));
    form.append('image_b', new Blob([biden('examples__biden.jpg') as BlobPart], { type: 'image/jpeg' }));
    const verifyDifferent = await call(server.url, 'POST', '/verify', { key: recognizeKey, form });
    expect(verifyDifferent.status).toBe(200);
    expect(verifyDifferent.body.match).toBe(false);
    expect(verifyDifferent.body.similarity).toBeLessThan(verifyDifferent.body.threshold);

    // Deleting erases every template: the same photo is unknown again at once.
    expect((await call(server.url, 'DELETE', `/people/${id}`, { key: enrollKey })).status).toBe(204);
    expect(await recognizeName(obama('tests__test_images__obama3.jpg'))).toEqual([null]);
    expect((await call(server.url, 'GET', `/people/${id}`, { key: enrollKey })).status).toBe(404);
  });

  it('refuses enrollment photos with reasons: no face, several faces', async () => {
    const { body: person } = await call(server.url, 'POST', '/people', { key: enrollKey, json: { name: 'Nobody' } });
    const res = await call(server.url, 'POST', `/people/${person.id}/faces`, {
      key: enrollKey,
      form: imageForm('image', [readDataset('no-face', 'images', 'skimage_coffee.png'), readDataset('multi-face', 'images', 'faceapi_bbt4.jpg')]),
    });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(0);
    expect(res.body.results.map((r: { reasons: string[] }) => r.reasons[0])).toEqual(['no-face', 'several-faces']);
    expect(res.body.person.templateCount).toBe(0);
  });

  it('finds every face of a group photo, largest first', async () => {
    const res = await call(server.url, 'POST', '/detect', { key: recognizeKey, body: readDataset('multi-face', 'images', 'faceapi_bbt3.jpg'), contentType: 'image/jpeg' });
    expect(res.status).toBe(200);
    expect(res.body.faces).toHaveLength(5);
    const areas = res.body.faces.map((f: { box: { width: number; height: number } }) => f.box.width * f.box.height);
    expect([...areas].sort((a, b) => b - a)).toEqual(areas);
  });

  it('pages people and searches them by name', async () => {
    for (const name of ['Ada Lovelace', 'Alan Turing', 'Grace Hopper']) await call(server.url, 'POST', '/people', { key: enrollKey, json: { name } });
    const page1 = await call(server.url, 'GET', '/people?limit=2', { key: enrollKey });
    expect(page1.body.people).toHaveLength(2);
    expect(page1.body.next).toBeTruthy();
    const page2 = await call(server.url, 'GET', `/people?limit=2&cursor=${encodeURIComponent(page1.body.next)}`, { key: enrollKey });
    expect(page2.body.people.length).toBeGreaterThan(0);
    const found = await call(server.url, 'GET', '/people?q=turing', { key: enrollKey });
    expect(found.body.people.map((p: { name: string }) => p.name)).toEqual(['Alan Turing']);
  });
});

describe('keys and roles', () => {
  it('answers 401 without a key and 403 with a key of another role', async () => {
    expect((await call(server.url, 'GET', '/people')).status).toBe(401);
    expect((await call(server.url, 'GET', '/people', { key: 'frk_not-a-real-key' })).status).toBe(401);
    const forbidden = await call(server.url, 'GET', '/people', { key: recognizeKey });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('forbidden');
    expect((await call(server.url, 'POST', '/recognize', { key: enrollKey, body: obama('examples__obama.jpg'), contentType: 'image/jpeg' })).status).toBe(403);
    expect((await call(server.url, 'GET', '/keys', { key: enrollKey })).status).toBe(403);
  });

  it('lets an admin list and revoke keys; a revoked key stops working', async () => {
    const created = await call(server.url, 'POST', '/keys', { key: server.adminKey, json: { name: 'temp', role: 'recognize' } });
    expect(created.status).toBe(201);
    const list = await call(server.url, 'GET', '/keys', { key: server.adminKey });
    expect(list.body.keys.map((k: { id: string }) => k.id)).toContain(created.body.id);
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    expect((await call(server.url, 'DELETE', `/keys/${created.body.id}`, { key: server.adminKey })).status).toBe(204);
    expect((await call(server.url, 'POST', '/detect', { key: created.body.key, body: obama('examples__obama.jpg'), contentType: 'image/jpeg' })).status).toBe(401);
  });
});

describe('bad input gets a clear 4xx and changes nothing', () => {
  let peopleBefore: number;
  beforeAll(async () => {
    peopleBefore = (await call(server.url, 'GET', '/ready', { key: server.adminKey })).body.registry.people;
  });

  const image = (body: Uint8Array | string, contentType = 'image/jpeg') => call(server.url, 'POST', '/recognize', { key: recognizeKey, body, contentType });

  it.each([
    ['zero bytes', () => image(new Uint8Array(0)), 400, 'empty_image'],
    ['a truncated JPEG', () => image(obama('examples__obama.jpg').subarray(0, 5000)), 400, 'corrupt_image'],
    ['random bytes declared as JPEG', () => image(Uint8Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256)), 415, 'unsupported_image_type'],
    ['a wrong content type', () => image('hello', 'text/plain'), 415, 'unsupported_media_type'],
    ['malformed JSON', () => call(server.url, 'POST', '/people', { key: enrollKey, body: '{"name": ', contentType: 'application/json' }), 400, 'invalid_json'],
    ['an empty name', () => call(server.url, 'POST', '/people', { key: enrollKey, json: { name: '   ' } }), 400, 'validation_failed'],
    ['a 5000-character name', () => call(server.url, 'POST', '/people', { key: enrollKey, json: { name: 'x'.repeat(5000) } }), 400, 'validation_failed'],
    ['an unknown field', () => call(server.url, 'POST', '/people', { key: enrollKey, json: { name: 'A', admin: true } }), 400, 'validation_failed'],
    ['an unknown person id', () => call(server.url, 'GET', '/people/00000000-0000-4000-8000-000000000000', { key: enrollKey }), 404, 'not_found'],
    ['a malformed person id', () => call(server.url, 'PATCH', '/people/not-an-id', { key: enrollKey, json: { name: 'B' } }), 404, 'not_found'],
    ['faces for an unknown person', () => call(server.url, 'POST', '/people/00000000-0000-4000-8000-000000000000/faces', { key: enrollKey, body: obama('examples__obama.jpg'), contentType: 'image/jpeg' }), 404, 'not_found'],
  ])('%s', async (_name, send, status, code) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(typeof res.body.error.message).toBe('string');
  });

  it('a PNG declaring 30000x30000 pixels is refused from its header', async () => {
    const res = await image(pngDeclaring(30000, 30000), 'image/png');
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('image_too_large');
  });

  it('a body over the limit is refused with 413', async () => {
    const res = await image(new Uint8Array(5 * 1024 * 1024).fill(0xff), 'image/jpeg');
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  afterAll(async () => {
    // The server still serves, and none of the bad requests wrote anything.
    expect((await call(server.url, 'GET', '/health')).status).toBe(200);
    expect((await call(server.url, 'GET', '/ready', { key: server.adminKey })).body.registry.people).toBe(peopleBefore);
  });
});
