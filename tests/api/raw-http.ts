/**
 * HTTP with the request target sent exactly as written: fetch (and curl without --path-as-is)
 * resolve `..` and `%2e%2e` before sending, which is what an attacker's client does not do.
 */
import http from 'node:http';

export interface RawResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON when the answer says it is JSON, else undefined. */
  json: any;
}

export function rawRequest(baseUrl: string, method: string, target: string, opts: { headers?: Record<string, string>; body?: string | Uint8Array } = {}): Promise<RawResult> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, method, path: target, headers: { connection: 'close', ...opts.headers }, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const isJson = (res.headers['content-type'] ?? '').includes('application/json');
        let json: unknown;
        if (isJson && text) json = JSON.parse(text);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${target}: no answer within 30 s`)));
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/** Asserts the documented error shape: JSON `{ error: { code, message } }` and nothing else on top. */
export function expectErrorShape(res: RawResult, what: string): void {
  const problem = (() => {
    if (!(res.headers['content-type'] ?? '').startsWith('application/json')) return `content-type ${res.headers['content-type']}`;
    const e = res.json?.error;
    if (!e || typeof e.code !== 'string' || typeof e.message !== 'string' || e.message.length === 0) return `body ${res.text.slice(0, 200)}`;
    if (Object.keys(res.json).length !== 1) return `extra keys ${Object.keys(res.json)}`;
    return null;
  })();
  if (problem) throw new Error(`${what}: answered ${res.status} with ${problem}`);
}

/** The headers every answer carries (pages and API alike). */
export function expectSecurityHeaders(res: RawResult, what: string): void {
  const h = res.headers;
  const missing = [
    h['x-content-type-options'] === 'nosniff' ? null : 'x-content-type-options',
    h['referrer-policy'] ? null : 'referrer-policy',
    /camera=\(self\)/.test(String(h['permissions-policy'])) ? null : 'permissions-policy',
    /frame-ancestors 'none'/.test(String(h['content-security-policy'])) ? null : 'content-security-policy frame-ancestors',
  ].filter(Boolean);
  if (missing.length) throw new Error(`${what}: ${res.status} answer lacks ${missing.join(', ')}`);
}
