/**
 * Who may call what: `authorize` for every access x role, and `identify` against a real SQLite
 * key store and the configured admin key.
 */
import { authorize, identify, type Access, type Caller } from '@/lib/server/auth';
import { ApiError } from '@/lib/server/errors';
import { ROLES, type Role } from '@/lib/registry/keys';
import { ADMIN_KEY, bearer, makeServices } from './services';

const caller = (role: Role | null): Caller => ({ role, keyId: role ? 'k' : null, keyName: role ? 'k' : null, address: '198.51.100.1', clientId: 'ip:198.51.100.1' });

/** The error code `authorize` answers, or 'ok'. */
function verdict(role: Role | null, access: Access, publicRecognition = false): string {
  try {
    authorize(caller(role), access, publicRecognition);
    return 'ok';
  } catch (e) {
    return (e as ApiError).code;
  }
}

describe('authorize', () => {
  const ACCESSES: Access[] = ['none', 'recognize', 'enroll', 'metrics', 'admin'];

  it('gives each role its own access, admin every access, and no key only "none"', () => {
    const table = Object.fromEntries([null, ...ROLES].map((role) => [String(role), Object.fromEntries(ACCESSES.map((a) => [a, verdict(role, a)]))]));
    expect(table).toEqual({
      null: { none: 'ok', recognize: 'unauthorized', enroll: 'unauthorized', metrics: 'unauthorized', admin: 'unauthorized' },
      admin: { none: 'ok', recognize: 'ok', enroll: 'ok', metrics: 'ok', admin: 'ok' },
      enroll: { none: 'ok', recognize: 'forbidden', enroll: 'ok', metrics: 'forbidden', admin: 'forbidden' },
      recognize: { none: 'ok', recognize: 'ok', enroll: 'forbidden', metrics: 'forbidden', admin: 'forbidden' },
      metrics: { none: 'ok', recognize: 'forbidden', enroll: 'forbidden', metrics: 'ok', admin: 'forbidden' },
    });
  });

  it('opens recognition, and only recognition, to callers without a key when public recognition is on', () => {
    expect(ACCESSES.map((a) => verdict(null, a, true))).toEqual(['ok', 'ok', 'unauthorized', 'unauthorized', 'unauthorized']);
    // A key's role still counts for everything else.
    expect(verdict('recognize', 'enroll', true)).toBe('forbidden');
  });

  it('says which role a forbidden key has and which the route needs', () => {
    expect(() => authorize(caller('recognize'), 'enroll', false)).toThrow('This key has role "recognize"; this needs "enroll".');
  });
});

describe('identify', () => {
  let made: Awaited<ReturnType<typeof makeServices>>;
  beforeEach(async () => {
    made = await makeServices();
  });
  afterEach(() => made.close());

  const request = (headers: Record<string, string> = {}) => new Request('http://localhost/api/v1/people', { headers });
  const refusal = (headers: Record<string, string>) => identify(request(headers), made.services).then(() => null, (e: ApiError) => [e.code, e.message]);

  it('names the configured admin key admin, without a key store entry', async () => {
    const c = await identify(request(bearer(ADMIN_KEY)), made.services);
    expect([c.role, c.keyId, c.clientId]).toEqual(['admin', 'env-admin', 'key:env-admin']);
    expect(await made.services.keys.countByRole('admin')).toBe(0);
  });

  it('gives a stored key its role and rate-limits it by key, not by address', async () => {
    const { info, key } = await made.services.keys.create('door camera', 'recognize');
    const c = await identify(request(bearer(key)), made.services);
    expect([c.role, c.keyId, c.clientId]).toEqual(['recognize', info.id, `key:${info.id}`]);
    expect((await made.services.keys.list())[0].lastUsedAt).not.toBeNull();
  });

  it('lets a caller without a key through as nobody, limited by its address', async () => {
    const c = await identify(request(), made.services);
    expect([c.role, c.keyId, c.clientId.startsWith('ip:')]).toEqual([null, null, true]);
  });

  it('refuses a revoked key, an unknown key, a near miss of the admin key and a malformed header', async () => {
    const { info, key } = await made.services.keys.create('old', 'enroll');
    await made.services.keys.revoke(info.id);
    expect(await refusal(bearer(key))).toEqual(['unauthorized', 'The API key is not valid (unknown or revoked).']);
    expect((await refusal(bearer('frk_never-issued')))?.[0]).toBe('unauthorized');
    expect((await refusal(bearer(ADMIN_KEY.slice(0, -1))))?.[0]).toBe('unauthorized');
    expect(await refusal({ authorization: 'Basic dXNlcjpwYXNz' })).toEqual(['unauthorized', 'Malformed Authorization header; expected "Bearer KEY".']);
  });

  it('locks an address out after repeated failures, even for a good key, and says when to retry', async () => {
    for (let i = 0; i < 5; i++) expect((await refusal(bearer(`frk_guess-${i}`)))?.[0]).toBe('unauthorized');
    expect((await refusal(bearer('frk_guess-5')))?.[0]).toBe('unauthorized');
    // Locked now: the admin key is not even looked at.
    const locked = await identify(request(bearer(ADMIN_KEY)), made.services).then(() => null, (e: ApiError) => e);
    expect([locked?.code, locked?.status]).toEqual(['rate_limited', 429]);
    expect(locked?.retryAfterS).toBeGreaterThanOrEqual(1);
  });
});
