/**
 * Typed fetch wrappers for the HTTP API (docs/api.md): the only way the pages talk to the
 * server. Every failure becomes an ApiClientError: the server's catalogued `{ error: { code,
 * message } }` with its status and Retry-After, or status 0 when the server could not be
 * reached at all (code `network` or `timeout`). An abort by the caller is rethrown as is.
 */
import { readApiKey } from './api-key';

// ---- Wire types: the contract's (lib/contract), type-only so no schema code reaches the page --

export type {
  AddFacesResult,
  Box,
  Decision,
  Face,
  FaceResult,
  Match,
  PeoplePage,
  Person,
  PersonDetail,
  Quality,
  QualityReason,
  RecognizeResult,
  RecognizeTrackResult,
  RejectReason,
  ServerInfo,
  Template,
  TemplateSource,
} from '@/lib/contract';
import type { AddFacesResult, CreatePersonInput, PeoplePage, Person, PersonDetail, RecognizeResult, RecognizeTrackResult, ServerInfo, TemplateSource, UpdatePersonInput } from '@/lib/contract';

// ---- Errors -------------------------------------------------------------------------------

export class ApiClientError extends Error {
  constructor(
    /** HTTP status; 0 when no answer came (server unreachable or timed out). */
    readonly status: number,
    /** The server's catalogued code, or `network` / `timeout` / `http_<status>`. */
    readonly code: string,
    message: string,
    /** Seconds to wait before retrying (Retry-After), when the server said so. */
    readonly retryAfterS: number | null = null,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiClientError';
  }

  /** No answer at all: worth retrying with backoff. */
  get unreachable(): boolean {
    return this.status === 0;
  }

  /** A key is missing, wrong, or lacks the role. */
  get needsKey(): boolean {
    return this.status === 401 || this.status === 403;
  }

  /** The server asked us to slow down or wait (429, 503). */
  get busy(): boolean {
    return this.status === 429 || this.status === 503;
  }
}

export function isAbort(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}

/** Retry-After as seconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, nowMs = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - nowMs) / 1000));
}

async function errorFrom(res: Response): Promise<ApiClientError> {
  const retryAfterS = parseRetryAfter(res.headers.get('retry-after'));
  let code = `http_${res.status}`;
  let message = res.statusText || `The server answered ${res.status}.`;
  let details: unknown;
  try {
    const body = (await res.json()) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
    if (body?.error && typeof body.error.code === 'string') {
      code = body.error.code;
      if (typeof body.error.message === 'string') message = body.error.message;
      details = body.error.details;
    }
  } catch {
    // Not JSON (a proxy's error page): keep the status line.
  }
  return new ApiClientError(res.status, code, message, retryAfterS, details);
}

// ---- Client -------------------------------------------------------------------------------

/**
 * An id as one path segment. `encodeURIComponent` leaves "." and ".." as they are, and the
 * browser resolves them as dot segments before sending: a face id ".." would turn
 * `DELETE /people/P/faces/..` into `DELETE /people/P`. Such ids never leave the page.
 */
export function idSegment(id: string): string {
  if (id === '' || id === '.' || id === '..') throw new ApiClientError(400, 'invalid_path', `"${id}" is not an id.`);
  return encodeURIComponent(id);
}

export interface ApiClientOptions {
  /** Prefix of every path; '' = same origin. */
  baseUrl?: string;
  /** The API key to send, read at each call. */
  getKey?: () => string | null;
  fetchImpl?: typeof fetch;
  /** A request with no answer after this long fails with code `timeout` (ms). */
  timeoutMs?: number;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** One image for upload: a Blob (a File keeps its name). */
export type ImageInput = Blob;

export function createApiClient(opts: ApiClientOptions = {}) {
  const baseUrl = opts.baseUrl ?? '';
  const getKey = opts.getKey ?? (() => null);
  const doFetch = opts.fetchImpl ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const defaultTimeoutMs = opts.timeoutMs ?? 20_000;

  async function request(path: string, init: RequestInit, call: CallOptions = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const key = getKey();
    if (key) headers.set('authorization', `Bearer ${key}`);
    const timeoutMs = call.timeoutMs ?? defaultTimeoutMs;
    // Our own controller so a timeout and the caller's abort can be told apart.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = () => controller.abort();
    if (call.signal?.aborted) controller.abort();
    call.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      // The API never redirects; following one would repeat a DELETE or PATCH somewhere else.
      const res = await doFetch(`${baseUrl}/api/v1${path}`, { ...init, headers, signal: controller.signal, cache: 'no-store', redirect: 'error' });
      if (!res.ok) throw await errorFrom(res);
      return res;
    } catch (e) {
      if (e instanceof ApiClientError) throw e;
      if (timedOut) throw new ApiClientError(0, 'timeout', `The server did not answer within ${Math.round(timeoutMs / 1000)} s.`);
      if (isAbort(e) || call.signal?.aborted) throw e;
      throw new ApiClientError(0, 'network', 'Cannot reach the server.');
    } finally {
      clearTimeout(timer);
      call.signal?.removeEventListener('abort', onAbort);
    }
  }

  const json = async <T>(path: string, init: RequestInit = {}, call?: CallOptions): Promise<T> =>
    (await (await request(path, init, call)).json()) as T;

  const sendJson = (method: string, body: unknown): RequestInit => ({
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

  return {
    info: (call?: CallOptions) => json<ServerInfo>('/info', {}, call),

    /** One frame (JPEG, PNG or WebP bytes) as the raw body. */
    recognize: (image: Blob, call?: CallOptions) =>
      json<RecognizeResult>('/recognize', { method: 'POST', headers: { 'content-type': image.type || 'image/jpeg' }, body: image }, call),

    /** One face's track: the evidence tokens of its last frames (from `recognize` answers), judged fused. */
    recognizeTrack: (evidence: string[], call?: CallOptions) =>
      json<RecognizeTrackResult>('/recognize/track', sendJson('POST', { evidence }), call),

    listPeople: (query: { limit?: number; cursor?: string | null; q?: string } = {}, call?: CallOptions) => {
      const params = new URLSearchParams();
      if (query.limit) params.set('limit', String(query.limit));
      if (query.cursor) params.set('cursor', query.cursor);
      if (query.q?.trim()) params.set('q', query.q.trim());
      const qs = params.toString();
      return json<PeoplePage>(`/people${qs ? `?${qs}` : ''}`, {}, call);
    },

    createPerson: (input: CreatePersonInput, call?: CallOptions) =>
      json<Person>('/people', sendJson('POST', input), call),

    getPerson: async (id: string, call?: CallOptions) => json<PersonDetail>(`/people/${idSegment(id)}`, {}, call),

    updatePerson: async (id: string, patch: UpdatePersonInput, call?: CallOptions) =>
      json<Person>(`/people/${idSegment(id)}`, sendJson('PATCH', patch), call),

    deletePerson: async (id: string, call?: CallOptions): Promise<void> => {
      await request(`/people/${idSegment(id)}`, { method: 'DELETE' }, call);
    },

    /**
     * Adds face images to a person; each comes back accepted (a new template) or refused with
     * reasons, in the order given.
     */
    addFaces: async (id: string, images: ImageInput[], source: Exclude<TemplateSource, 'api'>, call?: CallOptions) => {
      const form = new FormData();
      images.forEach((img, i) => form.append('image', img, img instanceof File ? img.name : `image-${i + 1}.jpg`));
      return json<AddFacesResult>(
        `/people/${idSegment(id)}/faces?source=${source}`,
        { method: 'POST', body: form },
        { timeoutMs: 60_000, ...call },
      );
    },

    deleteFace: async (id: string, faceId: string, call?: CallOptions): Promise<void> => {
      await request(`/people/${idSegment(id)}/faces/${idSegment(faceId)}`, { method: 'DELETE' }, call);
    },

    /** The aligned face crop (JPEG); fetched with the key, so it cannot be a plain <img src>. */
    faceCrop: async (id: string, faceId: string, call?: CallOptions): Promise<Blob> =>
      (await request(`/people/${idSegment(id)}/faces/${idSegment(faceId)}/crop`, {}, call)).blob(),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** The pages' client: same origin, key from this browser tab's session. */
export const api: ApiClient = createApiClient({ getKey: readApiKey });
