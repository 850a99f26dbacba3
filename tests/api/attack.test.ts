/**
 * The attack suite: what an outsider would try against the API, on a real server on loopback.
 * Every route with no key and each role, traversal ids and path games, wrong methods, unknown
 * paths, malformed bodies; every error must be the documented JSON shape, every answer must
 * carry the security headers, and nothing may redirect. Requests are bounded (a few hundred).
 */
import crypto from 'node:crypto';
import { API_ROUTES, type Method } from '@/lib/server/api-routes';
import { readDataset } from '../helpers/datasets';
import { call } from '../helpers/http';
import { freePort, startServer, type RunningServer } from '../helpers/server';
import { expectErrorShape, expectSecurityHeaders, rawRequest, type RawResult } from './raw-http';

type Caller = 'none' | 'admin' | 'enroll' | 'recognize' | 'metrics';
const CALLERS: Caller[] = ['none', 'admin', 'enroll', 'recognize', 'metrics'];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Who may call each route: written here from docs/api.md, independently of the server's code. */
const ACCESS: Record<string, 'none' | 'recognize' | 'enroll' | 'admin' | 'metrics'> = {
  '/api/v1/recognize': 'recognize',
  '/api/v1/recognize/track': 'recognize',
  '/api/v1/verify': 'recognize',
  '/api/v1/detect': 'recognize',
  '/api/v1/people': 'enroll',
  '/api/v1/people/[id]': 'enroll',
  '/api/v1/people/[id]/faces': 'enroll',
  '/api/v1/people/[id]/faces/[faceId]': 'enroll',
  '/api/v1/people/[id]/faces/[faceId]/crop': 'enroll',
  '/api/v1/people/[id]/sightings': 'enroll',
  '/api/v1/people/[id]/export': 'admin',
  '/api/v1/keys': 'admin',
  '/api/v1/keys/[id]': 'admin',
  '/api/v1/audit': 'admin',
  '/api/v1/health': 'none',
  '/api/v1/ready': 'none',
  '/api/v1/info': 'none',
  '/api/v1/metrics': 'metrics',
  '/api/v1/admin/export': 'admin',
  '/api/v1/admin/import': 'admin',
  '/api/v1/openapi.json': 'none',
};

let server: RunningServer;
let metricsPort: number;
const keys: Partial<Record<Caller, string>> = {};
let personId: string;

const obama = (f: string) => readDataset('fr-examples', 'images', 'obama', f);
const headersFor = (caller: Caller, extra: Record<string, string> = {}) => ({ ...(caller === 'none' ? {} : { authorization: `Bearer ${keys[caller]}` }), ...extra });
const send = (method: string, target: string, caller: Caller = 'admin', opts: { headers?: Record<string, string>; body?: string | Uint8Array } = {}) =>
  rawRequest(server.url, method, target, { headers: headersFor(caller, opts.headers), body: opts.body });

/** No redirect, the documented error shape when it is an error, the security headers always. */
function checkAnswer(res: RawResult, what: string): void {
  expect([what, res.status >= 300 && res.status < 400, res.headers.location]).toEqual([what, false, undefined]);
  if (res.status >= 400) expectErrorShape(res, what);
  expectSecurityHeaders(res, what);
}

beforeAll(async () => {
  metricsPort = await freePort();
  server = await startServer({ env: { FACEREC_METRICS_PORT: String(metricsPort), FACEREC_RATE_LIMIT_PER_MINUTE: '100000', FACEREC_MAX_BODY_BYTES: String(2 * 1024 * 1024) } });
  keys.admin = server.adminKey;
  for (const role of ['enroll', 'recognize', 'metrics'] as const) {
    const res = await call(server.url, 'POST', '/keys', { key: server.adminKey, json: { name: `attack ${role}`, role } });
    expect(res.status).toBe(201);
    keys[role] = res.body.key;
  }
  personId = (await call(server.url, 'POST', '/people', { key: server.adminKey, json: { name: 'Target Person' } })).body.id;
});
afterAll(() => server?.stop());

describe('every route with no key and with each role', () => {
  // Ids are fresh random UUIDs: nothing real is deleted by the walk.
  const concrete = (path: string) => path.replace('[id]', crypto.randomUUID()).replace('[faceId]', crypto.randomUUID());

  it.each(API_ROUTES.map((r) => [r.path, r] as const))('%s', async (_path, route) => {
    const access = ACCESS[route.path];
    expect(access).toBeDefined();
    for (const method of route.methods as Method[]) {
      for (const caller of CALLERS) {
        const what = `${method} ${route.path} as ${caller}`;
        const res = await send(method, concrete(route.path), caller);
        checkAnswer(res, what);
        const allowed = access === 'none' || caller === 'admin' || caller === access;
        if (!allowed) expect([what, res.status, res.json?.error?.code]).toEqual([what, caller === 'none' ? 401 : 403, caller === 'none' ? 'unauthorized' : 'forbidden']);
        else expect([what, [401, 403].includes(res.status) || res.status >= 500]).toEqual([what, false]);
      }
    }
  });
});

describe('wrong methods', () => {
  it('answer 405 in the JSON shape with an Allow header that lists what the path answers', async () => {
    for (const route of API_ROUTES) {
      for (const method of METHODS.filter((m) => !route.methods.includes(m as Method))) {
        const what = `${method} ${route.path}`;
        const res = await send(method, route.path.replace(/\[\w+\]/g, personId), 'admin');
        checkAnswer(res, what);
        expect([what, res.status, res.json.error.code]).toEqual([what, 405, 'method_not_allowed']);
        const allow = String(res.headers.allow).split(/,\s*/);
        for (const m of route.methods) expect([what, allow]).toEqual([what, expect.arrayContaining([m])]);
      }
    }
  });
});

describe('traversal ids and path games', () => {
  it('DELETE /people/P/faces/%2e%2e is refused with 400 and the person is still there', async () => {
    const res = await send('DELETE', `/api/v1/people/${personId}/faces/%2e%2e`);
    checkAnswer(res, 'DELETE faces/%2e%2e');
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('invalid_path');
    expect((await call(server.url, 'GET', `/people/${personId}`, { key: server.adminKey })).status).toBe(200);
  });

  it('answers every dot segment, encoded separator, bad escape and stray slash with 400 or 404, never a redirect', async () => {
    const P = personId;
    const targets = [
      `/api/v1/people/${P}/faces/..`,
      `/api/v1/people/${P}/faces/.`,
      `/api/v1/people/${P}/faces/.%2e`,
      `/api/v1/people/${P}/faces/%2E%2E/`,
      `/api/v1/people/${P}/faces/%2e%2e/%2e%2e/${P}`,
      `/api/v1/people/${P}/faces/${P}/crop/%2e%2e`,
      `/api/v1/people/%2e%2e`,
      `/api/v1/people/${P}/`,
      `/api/v1/people//${P}`,
      `/api/v1/people/${P}%2f..`,
      `/api/v1/people/..%5c..`,
      `/api/v1/people/${P}\\..`,
      `/api/v1/people/%zz`,
      `/api/v1/people/${P}/faces/%zz`,
      `/api/v1/people/${P}%00`,
      `/api/v1/people/%c3%28`,
      `/api/v1/keys/..`,
      `/api/v1/../v1/people/${P}`,
      `/%61pi/v1/people/${P}/faces/%2e%2e`,
      `http://localhost/api/v1/people/${P}/faces/%2e%2e`,
      `/api/v1/people/not-a-uuid`,
      `/api/v1/people/${P.toUpperCase()}`,
    ];
    for (const target of targets) {
      for (const method of ['DELETE', 'GET', 'PATCH']) {
        const what = `${method} ${target}`;
        const res = await send(method, target, 'admin', method === 'PATCH' ? { headers: { 'content-type': 'application/json' }, body: '{"name":"Renamed"}' } : {});
        checkAnswer(res, what);
        expect([what, [400, 404].includes(res.status)]).toEqual([what, true]);
      }
    }
    const after = await call(server.url, 'GET', `/people/${P}`, { key: server.adminKey });
    expect([after.status, after.body.name]).toEqual([200, 'Target Person']);
  });

  it('answers unknown API paths with a JSON 404', async () => {
    for (const target of ['/api/v1/nope', '/api/v2/people', '/api', '/api/v1', `/api/v1/people/${personId}/faces/${personId}/crop/more`, '/api/v1/swagger.json?x=1', '/api/v1/openapi.json/x']) {
      const res = await send('GET', target, 'none');
      checkAnswer(res, target);
      expect([target, res.status, res.json.error.code]).toEqual([target, 404, 'not_found']);
    }
  });
});

describe('malformed bodies', () => {
  const json = { 'content-type': 'application/json' };
  const nested = (levels: number) => '{"name":"Deep","metadata":' + '{"a":'.repeat(levels) + '1' + '}'.repeat(levels) + '}';
  const cases: [string, string, string, Record<string, string>, string | Uint8Array | (() => Uint8Array), number, string][] = [
    ['invalid JSON', 'POST', '/api/v1/people', json, '{"name": ', 400, 'invalid_json'],
    ['JSON that is not UTF-8', 'POST', '/api/v1/people', json, () => Uint8Array.from([...Buffer.from('{"name":"'), 0xff, 0xfe, ...Buffer.from('"}')]), 400, 'invalid_json'],
    ['a JSON array', 'POST', '/api/v1/people', json, '[1,2]', 400, 'validation_failed'],
    ['JSON as text/plain', 'POST', '/api/v1/people', { 'content-type': 'text/plain' }, '{"name":"A"}', 415, 'unsupported_media_type'],
    ['10 000 levels of nested metadata', 'POST', '/api/v1/people', json, nested(10_000), 400, 'validation_failed'],
    ['1 000 levels of nested metadata', 'POST', '/api/v1/people', json, nested(1_000), 400, 'validation_failed'],
    ['a JSON body over 64 KiB', 'POST', '/api/v1/people', json, JSON.stringify({ name: 'A', metadata: { x: 'y'.repeat(70_000) } }), 413, 'payload_too_large'],
    ['a name with a right-to-left override', 'POST', '/api/v1/people', json, JSON.stringify({ name: 'Alice\u202eecilA' }), 400, 'validation_failed'],
    ['a name with a zero-width space', 'POST', '/api/v1/people', json, JSON.stringify({ name: 'Bo\u200bb' }), 400, 'validation_failed'],
    ['an empty patch', 'PATCH', '/api/v1/people/[P]', json, '{}', 400, 'validation_failed'],
    ['an unknown role', 'POST', '/api/v1/keys', json, '{"name":"k","role":"root"}', 400, 'validation_failed'],
    ['a multipart body with a bad boundary', 'POST', '/api/v1/recognize', { 'content-type': 'multipart/form-data; boundary=xyz' }, '--abc\r\nnonsense', 400, 'invalid_request'],
    ['a truncated JPEG', 'POST', '/api/v1/recognize', { 'content-type': 'image/jpeg' }, () => obama('examples__obama.jpg').subarray(0, obama('examples__obama.jpg').length >> 1), 400, 'corrupt_image'],
    ['an empty image', 'POST', '/api/v1/detect', { 'content-type': 'image/png' }, '', 400, 'empty_image'],
    ['text as faces', 'POST', '/api/v1/people/[P]/faces', { 'content-type': 'text/plain' }, 'hello', 415, 'unsupported_media_type'],
    ['verify without images', 'POST', '/api/v1/verify', { 'content-type': 'multipart/form-data; boundary=b' }, '--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--b--\r\n', 400, 'invalid_request'],
  ];
  it.each(cases)('%s', async (what, method, path, headers, body, status, code) => {
    const res = await send(method, path.replace('[P]', personId), 'admin', { headers, body: typeof body === 'function' ? body() : body });
    checkAnswer(res, what);
    expect([res.status, res.json.error.code]).toEqual([status, code]);
  });

  it('says what is wrong with a damaged image in its own words, not the decoder\'s', async () => {
    const whole = obama('examples__obama.jpg');
    const res = await send('POST', '/api/v1/recognize', 'admin', { headers: { 'content-type': 'image/jpeg' }, body: whole.subarray(0, whole.length >> 1) });
    expect(res.json.error.message).toMatch(/truncated/);
    expect(res.json.error.message).not.toMatch(/vips|libjpeg|premature/i);
  });

  it('a refused name names the character, and nothing was written', async () => {
    const res = await send('POST', '/api/v1/people', 'admin', { headers: json, body: JSON.stringify({ name: 'Alice\u202eecilA' }) });
    expect(res.json.error.message).toMatch(/U\+202E/);
    const list = await call(server.url, 'GET', '/people?limit=500', { key: server.adminKey });
    expect(list.body.people.map((p: { name: string }) => p.name)).toEqual(['Target Person']);
  });
});

describe('monitoring', () => {
  it('serves /metrics only to a metrics or admin key on the main port', async () => {
    expect((await send('GET', '/api/v1/metrics', 'none')).status).toBe(401);
    expect((await send('GET', '/api/v1/metrics', 'enroll')).status).toBe(403);
    const ok = await send('GET', '/api/v1/metrics', 'metrics');
    expect(ok.status).toBe(200);
    expect(ok.text).toMatch(/^# HELP facerec_/m);
    // The probing above is counted by reason.
    expect(ok.text).toMatch(/^facerec_rejected_requests_total\{reason="invalid_path"\} [1-9]/m);
    expect(ok.text).toMatch(/^facerec_rejected_requests_total\{reason="method_not_allowed"\} [1-9]/m);
    // The metrics role reads metrics, nothing else.
    expect((await send('GET', '/api/v1/people', 'metrics')).status).toBe(403);
  });

  it('serves /metrics without a key on FACEREC_METRICS_PORT, and nothing else there', async () => {
    const base = `http://127.0.0.1:${metricsPort}`;
    const res = await rawRequest(base, 'GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/facerec_http_requests_total/);
    const other = await rawRequest(base, 'GET', '/api/v1/people');
    expect(other.status).toBe(404);
    expectErrorShape(other, 'metrics port, other path');
  });

  it('tells callers without a key only the status of /ready and /health, and no version in /info', async () => {
    expect((await send('GET', '/api/v1/ready', 'none')).json).toEqual({ status: 'ready' });
    expect((await send('GET', '/api/v1/health', 'none')).json).toEqual({ status: 'ok' });
    const detailed = await send('GET', '/api/v1/ready', 'metrics');
    expect(detailed.json.registry.people).toBeGreaterThanOrEqual(1);
    expect(Object.keys((await send('GET', '/api/v1/info', 'none')).json)).not.toContain('version');
  });
});

// Last: it locks loopback out of key checks for a moment.
describe('failed authentication from one address', () => {
  it('is limited whatever X-Forwarded-For says, and logged without the key', async () => {
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 10; i++) {
      const res = await rawRequest(server.url, 'GET', '/api/v1/people', { headers: { authorization: `Bearer wrong-key-${i}-guess`, 'x-forwarded-for': `203.0.113.${i + 1}` } });
      checkAnswer(res, `wrong key ${i}`);
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers['retry-after'] as string;
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    // While locked out even the right key from this address is not checked.
    expect((await send('GET', '/api/v1/people', 'admin')).status).toBe(429);
    const log = server.output();
    expect(log).toMatch(/"client":"127\.0\.0\.1".*"msg":"authentication failed"/);
    expect(log).not.toMatch(/wrong-key-\d-guess/);
    expect(log).not.toMatch(/203\.0\.113\./);
  });
});
