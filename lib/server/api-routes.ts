/**
 * The API's routes and the methods each answers, so that proxy.ts can decide before Next routes
 * a request: an unknown path is a JSON 404, a wrong method a JSON 405 with `Allow`, and an id
 * that is not a UUID a 404 without reaching any handler. tests/unit/api-routes.test.ts checks
 * this table against the route.ts files, so a new route cannot be forgotten here.
 */
import { ApiError } from './errors';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface ApiRoute {
  /** Path as in app/: `[id]` segments are ids (UUIDs). */
  path: string;
  methods: Method[];
}

export const API_ROUTES: ApiRoute[] = [
  { path: '/api/v1/recognize', methods: ['POST'] },
  { path: '/api/v1/recognize/track', methods: ['POST'] },
  { path: '/api/v1/verify', methods: ['POST'] },
  { path: '/api/v1/detect', methods: ['POST'] },
  { path: '/api/v1/people', methods: ['GET', 'POST'] },
  { path: '/api/v1/people/[id]', methods: ['GET', 'PATCH', 'DELETE'] },
  { path: '/api/v1/people/[id]/faces', methods: ['POST'] },
  { path: '/api/v1/people/[id]/faces/[faceId]', methods: ['DELETE'] },
  { path: '/api/v1/people/[id]/faces/[faceId]/crop', methods: ['GET'] },
  { path: '/api/v1/people/[id]/sightings', methods: ['GET'] },
  { path: '/api/v1/people/[id]/export', methods: ['GET'] },
  { path: '/api/v1/keys', methods: ['GET', 'POST'] },
  { path: '/api/v1/keys/[id]', methods: ['DELETE'] },
  { path: '/api/v1/audit', methods: ['GET'] },
  { path: '/api/v1/health', methods: ['GET'] },
  { path: '/api/v1/ready', methods: ['GET'] },
  { path: '/api/v1/info', methods: ['GET'] },
  { path: '/api/v1/metrics', methods: ['GET'] },
  { path: '/api/v1/admin/export', methods: ['GET'] },
  { path: '/api/v1/admin/import', methods: ['POST'] },
  { path: '/api/v1/openapi.json', methods: ['GET'] },
];

/** Person, face and key ids: lower-case canonical UUIDs (the registry's and key store's only form). */
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Methods to list in `Allow`: HEAD and OPTIONS come with GET / with every route (Next answers them). */
export function allowHeader(route: ApiRoute): string {
  return [...route.methods, ...(route.methods.includes('GET') ? ['HEAD'] : []), 'OPTIONS'].join(', ');
}

function matches(route: ApiRoute, segments: string[]): 'no' | 'yes' | 'bad-id' {
  const pattern = route.path.split('/').slice(1);
  if (pattern.length !== segments.length) return 'no';
  let badId = false;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i].startsWith('[')) {
      if (!ID.test(segments[i])) badId = true;
    } else if (pattern[i] !== segments[i]) {
      return 'no';
    }
  }
  return badId ? 'bad-id' : 'yes';
}

/**
 * Throws the catalogued error for a request no handler should see; returns the route otherwise.
 * `pathname` is the URL path as Next passes it on (percent-escapes of ids undone or not: a UUID
 * has none).
 */
export function checkApiRequest(method: string, pathname: string): ApiRoute {
  const segments = pathname.split('/').slice(1).map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  let badId: ApiRoute | undefined;
  for (const route of API_ROUTES) {
    const m = matches(route, segments);
    if (m === 'yes') {
      const upper = method.toUpperCase();
      const allowed = upper === 'OPTIONS' || route.methods.includes(upper as Method) || (upper === 'HEAD' && route.methods.includes('GET'));
      if (!allowed) {
        throw new ApiError('method_not_allowed', `${route.path} answers ${allowHeader(route)}, not ${upper}.`, undefined, undefined, { allow: allowHeader(route) });
      }
      return route;
    }
    if (m === 'bad-id') badId ??= route;
  }
  if (badId) throw new ApiError('not_found', 'No such id: ids are UUIDs as the API gave them.');
  throw new ApiError('not_found', `There is no API route at ${pathname.slice(0, 200)}; see docs/api.md.`);
}
