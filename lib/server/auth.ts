/**
 * Who is calling: `Authorization: Bearer KEY` resolved to a role. The configured admin key
 * (FACEREC_ADMIN_KEY) is compared in constant time; other keys are looked up by hash. Failed
 * authentication counts against the caller's address: it takes a token from the address's rate
 * limit and feeds a backoff that locks the address out of key checks (lib/server/auth-failures.ts).
 * It is logged with the address, never with the key.
 */
import type { Access } from '@/lib/contract/vocabulary';
import { ADMIN_ACTOR, SYSTEM_ACTOR, type AuditContext } from '@/lib/registry/audit';
import { hashKey, sameDigest, type Role } from '@/lib/registry/keys';
import { ApiError } from './errors';
import { limitKey, resolveClientAddress } from './client-address';
import { getLogger } from './logger';
import { rawRequestInfo } from './raw-request';
import type { Services } from './app';

/** What a route requires: a role (admin always qualifies), or recognition that may be public (the contract's list). */
export type { Access };

/** `Caller.keyId` of the configured FACEREC_ADMIN_KEY (not a stored key). */
export const ENV_ADMIN_KEY_ID = 'env-admin';

export interface Caller {
  role: Role | null;
  keyId: string | null;
  /** The stored key's name (the audit trail's actor name); null without a key or for the configured admin key. */
  keyName: string | null;
  /** The client's address, as far as the trusted proxies let us know it. */
  address: string;
  /** Rate-limit identity: the key when there is one, else the client address (IPv6: its /64). */
  clientId: string;
}

function bearer(req: Request): string | null {
  const h = req.headers.get('authorization');
  if (!h) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1] : '';
}

/** The client's address: the TCP peer, or the hop the trusted proxies say (FACEREC_TRUSTED_PROXIES). */
export function clientAddress(req: Request, services: Pick<Services, 'config'>): string {
  return resolveClientAddress(rawRequestInfo(req).peer, req.headers.get('x-forwarded-for'), services.config.FACEREC_TRUSTED_PROXIES);
}

export async function identify(req: Request, services: Services): Promise<Caller> {
  const address = clientAddress(req, services);
  const key = bearer(req);
  const ipId = `ip:${limitKey(address)}`;
  if (key === null) return { role: null, keyId: null, keyName: null, address, clientId: ipId };
  const nowMs = Date.now();
  const lockedS = services.authFailures.lockedForS(ipId, nowMs);
  if (lockedS > 0) throw new ApiError('rate_limited', 'Too many failed authentications from this address; retry later.', undefined, lockedS);
  const admin = services.config.FACEREC_ADMIN_KEY;
  if (key && admin && sameDigest(hashKey(key), hashKey(admin))) {
    return { role: 'admin', keyId: ENV_ADMIN_KEY_ID, keyName: null, address, clientId: `key:${ENV_ADMIN_KEY_ID}` };
  }
  const info = key ? await services.keys.verify(key) : null;
  if (info) return { role: info.role, keyId: info.id, keyName: info.name, address, clientId: `key:${info.id}` };

  const lockS = services.authFailures.fail(ipId, nowMs);
  const bucket = services.limiter.take(ipId, nowMs);
  getLogger().warn({ client: address, method: req.method, path: new URL(req.url).pathname, malformed: key === '', lockoutS: lockS || undefined }, 'authentication failed');
  if (!bucket.allowed) throw new ApiError('rate_limited', undefined, undefined, bucket.retryAfterS);
  if (key === '') throw new ApiError('unauthorized', 'Malformed Authorization header; expected "Bearer KEY".');
  throw new ApiError('unauthorized', 'The API key is not valid (unknown or revoked).');
}

/** Throws 401/403 unless the caller may use a route with this access. */
export function authorize(caller: Caller, access: Access, publicRecognition: boolean): void {
  if (access === 'none') return;
  if (access === 'recognize' && publicRecognition) return;
  if (!caller.role) throw new ApiError('unauthorized');
  if (caller.role === 'admin' || caller.role === access) return;
  throw new ApiError('forbidden', `This key has role "${caller.role}"; this needs "${access}".`);
}

/** Who the audit trail names for a change this caller makes: the key, `admin` for the configured admin key. */
export function auditBy(caller: Caller): AuditContext {
  if (caller.keyId === ENV_ADMIN_KEY_ID) return { actor: ADMIN_ACTOR, address: caller.address };
  if (caller.keyId) return { actor: { kind: 'key', keyId: caller.keyId, name: caller.keyName ?? '' }, address: caller.address };
  return { actor: SYSTEM_ACTOR, address: caller.address };
}
