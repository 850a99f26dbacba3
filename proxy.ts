/**
 * Runs before Next routes a request (Next 16's proxy, the former middleware).
 * - API paths: a path the raw-request hook refused (dot segments, encoded slashes, bad escapes:
 *   lib/server/raw-request.ts), an unknown path, a wrong method or an id that is not a UUID is
 *   answered here in the catalogued JSON shape (lib/server/api-routes.ts); no handler runs.
 * - Pages: a Content-Security-Policy with a fresh nonce, which Next puts on its scripts.
 */
import { NextResponse, type NextRequest } from 'next/server';
import { checkApiRequest } from '@/lib/server/api-routes';
import { getConfig } from '@/lib/server/config';
import { ApiError, errorResponse } from '@/lib/server/errors';
import { getMetrics } from '@/lib/server/metrics';
import { rawRequestInfo } from '@/lib/server/raw-request';
import { API_CONTENT_SECURITY_POLICY, newNonce, pageContentSecurityPolicy } from '@/lib/server/security-headers';

export function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  if (pathname === '/api' || pathname.startsWith('/api/')) {
    try {
      const { pathError } = rawRequestInfo(request);
      if (pathError) throw new ApiError('invalid_path', pathError);
      checkApiRequest(request.method, pathname);
      return NextResponse.next();
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError('invalid_request');
      // Probing shows up in facerec_rejected_requests_total{reason="invalid_path"|"not_found"|"method_not_allowed"}.
      getMetrics().rejected.inc({ reason: err.code });
      const res = errorResponse(err);
      res.headers.set('content-security-policy', API_CONTENT_SECURITY_POLICY);
      return res;
    }
  }
  const csp = pageContentSecurityPolicy(newNonce(), getConfig().NODE_ENV === 'development');
  // Next reads the nonce from the request's policy header while rendering.
  const headers = new Headers(request.headers);
  headers.set('content-security-policy', csp);
  const res = NextResponse.next({ request: { headers } });
  res.headers.set('content-security-policy', csp);
  return res;
}

export const config = {
  // Static build files and the icon carry no policy of their own (next.config.mjs still sets the fixed headers).
  matcher: ['/((?!_next/static|_next/image|icon.svg|favicon.ico).*)'],
};
