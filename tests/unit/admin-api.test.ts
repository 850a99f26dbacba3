import { adminApi, auditQuery } from '@/lib/client/admin-api';
import { ApiClientError } from '@/lib/client/api';

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('admin api client', () => {
  const realFetch = globalThis.fetch;
  let calls: { url: string; init: RequestInit }[];
  let answer: () => Response;
  beforeEach(() => {
    calls = [];
    globalThis.fetch = (async (url: RequestInfo | URL, init?: RequestInit) => {
      calls.push({ url: String(url), init: init ?? {} });
      return answer();
    }) as typeof fetch;
  });
  afterEach(() => {
    globalThis.fetch = realFetch;
  });

  it('sends only the audit filters that are set, with the cursor and limit', () => {
    expect(auditQuery({})).toBe('');
    expect(auditQuery({ personId: ' ', actor: 'admin', action: 'key.create', since: '2026-01-01T00:00:00.000Z', until: '' }, 'c1', 50)).toBe(
      '?actor=admin&action=key.create&since=2026-01-01T00%3A00%3A00.000Z&cursor=c1&limit=50',
    );
  });

  it('reads an audit page from GET /api/v1/audit', async () => {
    answer = () => json({ entries: [], nextCursor: 'next-1' });
    expect(await adminApi.audit({ action: 'key.revoke' }, 'c0', 20)).toEqual({ entries: [], nextCursor: 'next-1' });
    expect(calls[0].url).toBe('/api/v1/audit?action=key.revoke&cursor=c0&limit=20');
    expect(calls[0].init.redirect).toBe('error');
  });

  it('creates and revokes keys with the right method and body', async () => {
    answer = () => json({ id: 'k1', name: 'Door', role: 'recognize', createdAt: 't', lastUsedAt: null, key: 'frk_x' }, 201);
    expect((await adminApi.createKey({ name: 'Door', role: 'recognize' })).key).toBe('frk_x');
    expect(calls[0].init.method).toBe('POST');
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ name: 'Door', role: 'recognize' });
    answer = () => new Response(null, { status: 204 });
    await adminApi.revokeKey('6f4f73da-12a1-4720-b6d7-723de44715b1');
    expect(calls[1]).toMatchObject({ url: '/api/v1/keys/6f4f73da-12a1-4720-b6d7-723de44715b1', init: { method: 'DELETE' } });
    await expect(adminApi.revokeKey('..')).rejects.toMatchObject({ code: 'invalid_path' });
    expect(calls).toHaveLength(2);
  });

  it('turns a refusal into the catalogued ApiClientError, and no answer into a network error', async () => {
    answer = () => json({ error: { code: 'forbidden', message: 'This key has role "recognize"; this needs "admin".' } }, 403);
    const e = await adminApi.listKeys().catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ApiClientError);
    expect(e).toMatchObject({ status: 403, code: 'forbidden', needsKey: true });
    answer = () => {
      throw new TypeError('fetch failed');
    };
    await expect(adminApi.listKeys()).rejects.toMatchObject({ status: 0, code: 'network' });
  });
});
