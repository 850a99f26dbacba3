/**
 * Who is calling: `Authorization: Bearer KEY` resolved to a role. The configured admin key
 * (FACEREC_ADMIN_KEY) is compared in constant time; other keys are looked up by hash.
 */
import { ApiError } from './errors';
import { hashKey, sameDigest, type Role } from './keys';
import type { Services } from './app';

/** What a route requires: a role (admin always qualifies), or recognition that may be public. */
export type Access = 'none' | 'recognize' | 'enroll' | 'admin';

export interface Caller {
  role: Role | null;
  keyId: string | null;
  /** Rate-limit identity: the key when there is one, else the client address. */
  clientId: string;
}

function bearer(req: Request): string | null {
  const h = req.headers.get('authorization');
  if (!h) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  if (!m) throw new ApiError('unauthorized', 'Malformed Authorization header; expected "Bearer KEY".');
  return m[1];
}

export function clientAddress(req: Request): string {
  // Behind a load balancer the first X-Forwarded-For hop is the client.
  const fwd = req.headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  return fwd || req.headers.get('x-real-ip') || 'local';
}

export async function identify(req: Request, services: Services): Promise<Caller> {
  const key = bearer(req);
  if (!key) return { role: null, keyId: null, clientId: `ip:${clientAddress(req)}` };
  const admin = services.config.FACEREC_ADMIN_KEY;
  if (admin && sameDigest(hashKey(key), hashKey(admin))) return { role: 'admin', keyId: 'env-admin', clientId: 'key:env-admin' };
  const info = await services.keys.verify(key);
  if (!info) throw new ApiError('unauthorized', 'The API key is not valid (unknown or revoked).');
  return { role: info.role, keyId: info.id, clientId: `key:${info.id}` };
}

/** Throws 401/403 unless the caller may use a route with this access. */
export function authorize(caller: Caller, access: Access, publicRecognition: boolean): void {
  if (access === 'none') return;
  if (access === 'recognize' && publicRecognition) return;
  if (!caller.role) throw new ApiError('unauthorized');
  if (caller.role === 'admin' || caller.role === access) return;
  throw new ApiError('forbidden', `This key has role "${caller.role}"; this needs "${access}".`);
}
