import fs from 'node:fs';
import path from 'node:path';
import { API_ROUTES, checkApiRequest } from '@/lib/server/api-routes';
import { ApiError } from '@/lib/server/errors';
import { checkApiPath } from '@/lib/server/raw-request';

const P = '6f4f73da-12a1-4720-b6d7-723de44715b1';
const F = '0b8e2a55-3c1d-4f7e-9a6b-2d4c5e6f7a8b';

function refusal(method: string, pathname: string): ApiError | null {
  try {
    checkApiRequest(method, pathname);
    return null;
  } catch (e) {
    return e as ApiError;
  }
}

describe('raw API paths are checked before routing', () => {
  it.each([
    [`/api/v1/people/${P}/faces/%2e%2e`, /"\.\." segment/],
    [`/api/v1/people/${P}/faces/%2E%2E`, /"\.\." segment/],
    [`/api/v1/people/${P}/faces/..`, /"\.\." segment/],
    [`/api/v1/people/${P}/faces/.`, /"\.\." segment/],
    [`/api/v1/people/${P}/faces/%2e`, /"\.\." segment/],
    ['/api/v1/people/%zz', /malformed percent-escape/],
    ['/api/v1/people/%e', /malformed percent-escape/],
    ['/api/v1/people/%c3%28', /not UTF-8/],
    ['/api/v1/people/a%2fb', /slash/],
    ['/api/v1/people/a%5Cb', /slash/],
    ['/api/v1/people/a\\b', /slash/],
    ['/api/v1/people/a%00', /control character/],
    ['/api/v1/people//x', /empty segment/],
    [`/api/v1/people/${P}/`, /trailing slash/],
  ])('refuses %s', (rawPath, why) => {
    expect(checkApiPath(rawPath)).toMatch(why);
  });

  it('lets ordinary paths through', () => {
    for (const p of ['/api/v1/people', `/api/v1/people/${P}/faces/${F}/crop`, '/api/v1/people/caf%C3%A9', '/api']) expect(checkApiPath(p)).toBeNull();
  });
});

describe('API route table', () => {
  it('answers an unknown path with not_found, a wrong method with 405 and Allow, a bad id with not_found', () => {
    expect(refusal('GET', '/api/v1/nope')?.code).toBe('not_found');
    const wrong = refusal('PUT', `/api/v1/people/${P}`);
    expect([wrong?.code, wrong?.status, wrong?.headers?.allow]).toEqual(['method_not_allowed', 405, 'GET, PATCH, DELETE, HEAD, OPTIONS']);
    expect(refusal('DELETE', `/api/v1/people/${P}/faces/not-a-uuid`)?.code).toBe('not_found');
    expect(refusal('DELETE', `/api/v1/people/${P.toUpperCase()}`)?.code).toBe('not_found');
    expect(refusal('DELETE', `/api/v1/people/${P}/faces/${F}`)).toBeNull();
    expect(refusal('HEAD', '/api/v1/health')).toBeNull();
    expect(refusal('OPTIONS', '/api/v1/recognize')).toBeNull();
  });

  it('lists exactly the route.ts files under app/api and the methods each exports', () => {
    const root = path.resolve(__dirname, '..', '..', 'app');
    const found: Record<string, string[]> = {};
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name === 'route.ts') {
          const source = fs.readFileSync(full, 'utf8');
          const methods = [...source.matchAll(/export (?:const|(?:async )?function) (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b/g)].map((m) => m[1]);
          found[`/${path.relative(root, path.dirname(full)).split(path.sep).join('/')}`] = methods.sort();
        }
      }
    };
    walk(path.join(root, 'api'));
    const table = Object.fromEntries(API_ROUTES.map((r) => [r.path, [...r.methods].sort()]));
    expect(table).toEqual(found);
  });
});
