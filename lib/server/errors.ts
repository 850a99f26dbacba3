/**
 * Catalogued errors as the server throws and answers them. The catalogue itself (code, status,
 * default message) is part of the wire contract: lib/contract/errors.ts.
 */
import { ERRORS, type ErrorBody, type ErrorCode } from '@/lib/contract/errors';

export { ERRORS, type ErrorBody, type ErrorCode };

/** A catalogued error: thrown anywhere below a route, answered by the route helper. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: unknown,
    /** Seconds, for 429 and 503 answers. */
    readonly retryAfterS?: number,
    /** Extra response headers (e.g. `Allow` on a 405). */
    readonly headers?: Record<string, string>,
  ) {
    super(message ?? ERRORS[code].message);
    this.name = 'ApiError';
    this.status = ERRORS[code].status;
  }
}

/** The JSON answer of a catalogued error, with `Retry-After` and any extra headers it carries. */
export function errorResponse(e: ApiError): Response {
  const body: ErrorBody = { error: { code: e.code, message: e.message, ...(e.details !== undefined ? { details: e.details } : {}) } };
  const headers: Record<string, string> = { ...e.headers, 'cache-control': 'no-store' };
  if (e.retryAfterS !== undefined) headers['retry-after'] = String(e.retryAfterS);
  return Response.json(body, { status: e.status, headers });
}
