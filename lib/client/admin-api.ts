/**
 * The admin page's calls: API keys, the audit trail, and the detailed /ready. Failures are
 * ApiClientErrors like every other call of the pages (lib/client/api.ts), so describeError and
 * `needsKey` work the same. Kept apart from api.ts: only the admin page needs them.
 */
import { ApiClientError, idSegment, isAbort, parseRetryAfter } from './api';
import { readApiKey } from './api-key';

export const KEY_ROLES = ['admin', 'enroll', 'recognize', 'metrics'] as const;
export type KeyRole = (typeof KEY_ROLES)[number];

export interface ApiKeyInfo {
  id: string;
  name: string;
  role: KeyRole;
  createdAt: string;
  lastUsedAt: string | null;
}

export const AUDIT_ACTIONS = [
  'person.create',
  'person.update',
  'person.delete',
  'face.add',
  'face.delete',
  'key.create',
  'key.revoke',
  'registry.export',
  'registry.import',
  'settings.change',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One change as GET /api/v1/audit lists it (never an embedding, an image or a person's name). */
export interface AuditEntry {
  id: string;
  at: string;
  action: AuditAction;
  /** `admin`: the configured FACEREC_ADMIN_KEY; `system`: the CLI or the first start. */
  actor: { kind: 'key' | 'admin' | 'system'; keyId: string | null; name: string };
  personId: string | null;
  faceId: string | null;
  keyId: string | null;
  address: string | null;
  details: Record<string, unknown> | null;
}

export interface AuditFilter {
  personId?: string;
  /** A key id, or `admin`. */
  actor?: string;
  action?: AuditAction;
  /** ISO 8601. */
  since?: string;
  until?: string;
}

export interface AuditPage {
  entries: AuditEntry[];
  nextCursor: string | null;
}

/** GET /api/v1/ready with a key. */
export interface ReadyDetails {
  status: 'ready';
  workers: number;
  queueDepth: number;
  recognition: OperatingPoint;
  registry: { people: number; templates: number; staleTemplates: number; index: { kind: 'exact' | 'approximate'; building: boolean } };
}

/** Recognition's operating point as /info (with a key) and /ready report it. */
export interface OperatingPoint {
  rule: string;
  /** Target false-positive identification rate: the share of strangers named as someone. */
  targetFpir: number;
  calibration: string;
  galleryPeople?: number;
  /** Today's bar on the decision score for this gallery size. */
  threshold?: number;
}

/** GET /api/v1/info with a key (the fields the admin page reads). */
export interface InfoDetails {
  model: string;
  /** 1:1 verify: the cosine threshold at `targetFmr`. */
  threshold: number;
  targetFmr: number;
  recognition: OperatingPoint;
  publicRecognition: boolean;
  keepCrops: boolean;
  version?: string | null;
}

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
