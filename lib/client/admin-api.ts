/**
 * The admin page's calls: API keys, the audit trail, and the detailed /ready. Failures are
 * ApiClientErrors like every other call of the pages (lib/client/api.ts), so describeError and
 * `needsKey` work the same. Kept apart from api.ts: only the admin page needs them.
 */
import { ApiClientError, idSegment, isAbort, parseRetryAfter } from './api';
import { readApiKey } from './api-key';
import type { AuditAction, Role as KeyRole } from '@/lib/contract/vocabulary';
import type { AuditPage, KeyInfo as ApiKeyInfo, Ready, ServerInfo as InfoDetails } from '@/lib/contract/responses';

export { AUDIT_ACTIONS, ROLES as KEY_ROLES } from '@/lib/contract/vocabulary';
export type { AuditAction, Role as KeyRole } from '@/lib/contract/vocabulary';
export type { AuditEntry, AuditPage, KeyInfo as ApiKeyInfo, OperatingPoint, ServerInfo as InfoDetails } from '@/lib/contract/responses';

/** The audit list's filters, as the page holds them (the query string is `auditQuery` below). */
export interface AuditFilter {
  personId?: string;
  /** A key id, or `admin`. */
  actor?: string;
  action?: AuditAction;
  /** ISO 8601. */
  since?: string;
  until?: string;
}

/** GET /api/v1/ready with a key: every detail present. */
export type ReadyDetails = Required<Ready>;

const TIMEOUT_MS = 20_000;

async function failure(res: Response): Promise<ApiClientError> {
  let code = `http_${res.status}`;
  let message = res.statusText || `The server answered ${res.status}.`;
  try {
    const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body?.error?.code === 'string') code = body.error.code;
    if (typeof body?.error?.message === 'string') message = body.error.message;
  } catch {
    // Not JSON: keep the status line.
  }
  return new ApiClientError(res.status, code, message, parseRetryAfter(res.headers.get('retry-after')));
}

/** One call with this tab's key; the same error mapping and no-redirect rule as lib/client/api.ts. */
async function call(path: string, init: RequestInit = {}, signal?: AbortSignal): Promise<Response> {
  const headers = new Headers(init.headers);
  const key = readApiKey();
  if (key) headers.set('authorization', `Bearer ${key}`);
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  try {
    const res = await fetch(`/api/v1${path}`, {
      ...init,
      headers,
      cache: 'no-store',
      redirect: 'error',
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    if (!res.ok) throw await failure(res);
    return res;
  } catch (e) {
    if (e instanceof ApiClientError) throw e;
    if (signal?.aborted) throw e;
    if (timeout.aborted) throw new ApiClientError(0, 'timeout', `The server did not answer within ${TIMEOUT_MS / 1000} s.`);
    if (isAbort(e)) throw e;
    throw new ApiClientError(0, 'network', 'Cannot reach the server.');
  }
}

const json = async <T>(path: string, init?: RequestInit, signal?: AbortSignal): Promise<T> => (await call(path, init, signal)).json() as Promise<T>;

/** The audit filter as query parameters; empty fields are left out. */
export function auditQuery(filter: AuditFilter, cursor: string | null = null, limit?: number): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filter)) if (typeof value === 'string' && value.trim()) params.set(name, value.trim());
  if (cursor) params.set('cursor', cursor);
  if (limit) params.set('limit', String(limit));
  const qs = params.toString();
  return qs ? `?${qs}` : '';
}

export const adminApi = {
  listKeys: async (signal?: AbortSignal) => (await json<{ keys: ApiKeyInfo[] }>('/keys', {}, signal)).keys,

  /** The answer is the only time the key itself is shown. */
  createKey: (input: { name: string; role: KeyRole }) =>
    json<ApiKeyInfo & { key: string }>('/keys', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) }),

  revokeKey: async (id: string): Promise<void> => {
    await call(`/keys/${idSegment(id)}`, { method: 'DELETE' });
  },

  audit: (filter: AuditFilter, cursor: string | null, limit: number, signal?: AbortSignal) =>
    json<AuditPage>(`/audit${auditQuery(filter, cursor, limit)}`, {}, signal),

  info: (signal?: AbortSignal) => json<InfoDetails>('/info', {}, signal),
  ready: (signal?: AbortSignal) => json<ReadyDetails>('/ready', {}, signal),
};
