/**
 * The route helper's error mapping: every error thrown below a route becomes its catalogued
 * status and code, and a 5xx answer never carries the thrown error's details.
 */
import crypto from 'node:crypto';
import { RegistryError, type RegistryErrorCode } from '@/lib/registry/registry';
import { ApiError, ERRORS, errorResponse } from '@/lib/server/errors';
import { route, toApiError, type RouteContext } from '@/lib/server/route';
import { VisionError, type VisionErrorCode } from '@/lib/vision/errors';
import { ADMIN_KEY, bearer, installServices, makeServices } from './services';

describe('toApiError', () => {
  it.each<[VisionErrorCode, string, number, number | undefined]>([
    ['empty_image', 'empty_image', 400, undefined],
    ['corrupt_image', 'corrupt_image', 400, undefined],
    ['image_too_large', 'image_too_large', 413, undefined],
    ['unsupported_image_type', 'unsupported_image_type', 415, undefined],
    ['overloaded', 'overloaded', 503, 1],
    ['models_not_loaded', 'not_ready', 503, 2],
  ])('maps the vision error %s to %s (%i), keeping its message', (visionCode, code, status, retryAfterS) => {
    const e = toApiError(new VisionError(visionCode, `why: ${visionCode}`));
    expect([e.code, e.status, e.retryAfterS, e.message]).toEqual([code, status, retryAfterS, `why: ${visionCode}`]);
  });

  it.each<[RegistryErrorCode, string, number]>([
    ['not_found', 'not_found', 404],
    ['invalid_input', 'validation_failed', 400],
    ['conflict', 'conflict', 409],
  ])('maps the registry error %s to %s (%i), keeping its message', (registryCode, code, status) => {
    const e = toApiError(new RegistryError(registryCode, 'the reason'));
    expect([e.code, e.status, e.message]).toEqual([code, status, 'the reason']);
  });

  it('answers a closed registry as not ready with Retry-After, in its own words', () => {
    const e = toApiError(new RegistryError('closed', 'closed at /var/lib/facerec/facerec.db'));
    expect([e.code, e.status, e.retryAfterS]).toEqual(['not_ready', 503, 5]);
    expect(e.message).not.toMatch(/var\/lib/);
  });

  it.each([
    ['a plain Error', new Error('SQLITE_CORRUPT at /data/facerec.db, key frk_secret')],
    ['a registry error with no API meaning', new RegistryError('schema_too_new', 'schema 9 at /data/facerec.db')],
    ['a thrown string', 'password=hunter2'],
    ['undefined', undefined],
  ])('turns %s into a bare internal error', (_what, thrown) => {
    const e = toApiError(thrown);
    expect([e.code, e.status, e.message, e.details]).toEqual(['internal', 500, ERRORS.internal.message, undefined]);
  });

  it('passes an ApiError through unchanged', () => {
    const original = new ApiError('forbidden', 'no');
    expect(toApiError(original)).toBe(original);
  });

  it('recognises errors by name and code, so copies from another bundle map too', () => {
    // A worker's or another Next bundle's class is not this module's: only its shape is the same.
    const foreign = Object.assign(new Error('too big'), { name: 'VisionError', code: 'image_too_large' });
    expect(toApiError(foreign).code).toBe('image_too_large');
  });
});

describe('errorResponse', () => {
  it('answers the catalogued JSON shape with no-store, Retry-After and extra headers', async () => {
    const res = errorResponse(new ApiError('method_not_allowed', 'nope', undefined, 7, { allow: 'GET' }));
    expect(res.status).toBe(405);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.headers.get('allow')).toBe('GET');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ error: { code: 'method_not_allowed', message: 'nope' } });
  });
});

describe('route()', () => {
  let made: Awaited<ReturnType<typeof makeServices>>;
  let uninstall: () => void;

  beforeAll(async () => {
    made = await makeServices();
    uninstall = installServices(made.services);
  });
  afterAll(async () => {
    uninstall();
    await made.close();
  });

  const call = (handler: (ctx: RouteContext<Record<string, never>>) => Promise<Response>, headers: Record<string, string> = bearer(ADMIN_KEY)) =>
    route('test', 'admin', handler)(new Request('http://localhost/api/v1/test', { headers }), { params: Promise.resolve({}) });

  it('answers what the handler answers', async () => {
    const res = await call(async () => Response.json({ ok: true }, { status: 201 }));
    expect([res.status, await res.json()]).toEqual([201, { ok: true }]);
  });

  it("answers a real registry miss as the catalogue's 404", async () => {
    const res = await call(({ services }) => services.registry.getPerson(crypto.randomUUID()).then(() => new Response()));
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('not_found');
  });

  it('answers an unexpected failure with a 500 that carries none of its details', async () => {
    const res = await call(async () => {
      throw new Error('connect ECONNREFUSED 10.0.0.7:5432 user=facerec password=s3cret');
    });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 'internal', message: ERRORS.internal.message } });
    expect(text).not.toMatch(/ECONNREFUSED|s3cret|10\.0\.0\.7/);
  });

  it('checks the key before running the handler', async () => {
    let ran = false;
    const handler = async () => {
      ran = true;
      return new Response();
    };
    const anonymous = await call(handler, {});
    const wrong = await call(handler, bearer('frk_not-a-key-of-this-server'));
    expect([anonymous.status, wrong.status, ran]).toEqual([401, 401, false]);
  });

  it("draws a route's own rate-limit bucket when it names one, never the caller's main one", async () => {
    const limited = await makeServices({ FACEREC_RATE_LIMIT_PER_MINUTE: '6' }); // a burst of 1
    uninstall();
    uninstall = installServices(limited.services);
    try {
      const req = () => new Request('http://localhost/api/v1/test', { headers: bearer(ADMIN_KEY) });
      const ok = async () => new Response();
      const frames = route('frames', 'admin', ok);
      const questions = route('questions', 'admin', ok, { rateBucket: 'track' });
      const ctx = { params: Promise.resolve({}) };
      expect((await frames(req(), ctx)).status).toBe(200);
      expect((await questions(req(), ctx)).status).toBe(200); // its own bucket is still full
      expect((await frames(req(), ctx)).status).toBe(429);
      expect((await questions(req(), ctx)).status).toBe(429);
    } finally {
      uninstall();
      await limited.close();
      uninstall = installServices(made.services);
    }
  });

  it('answers not_ready with Retry-After while the services cannot start', async () => {
    uninstall();
    const key = Symbol.for('facerec.services');
    (globalThis as Record<symbol, unknown>)[key] = { promise: Promise.reject(new Error('disk full at /data')) };
    try {
      const res = await call(async () => new Response());
      expect([res.status, res.headers.get('retry-after')]).toEqual([503, '5']);
      expect(await res.text()).not.toMatch(/disk full/);
    } finally {
      uninstall = installServices(made.services);
    }
  });
});
