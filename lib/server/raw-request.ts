/**
 * What only the raw HTTP request knows, captured before Next parses it:
 *
 * - the TCP peer address. Next fills `X-Forwarded-For` with it only when the client sent none,
 *   so behind our back a client could otherwise choose its own address (lib/server/client-address.ts
 *   decides which hop to believe);
 * - the request target as sent. Next parses it as a WHATWG URL, which resolves `%2e%2e` and `..`
 *   segments and then answers a trailing slash with a 308 redirect that clients repeat with the
 *   same method: `DELETE /people/P/faces/%2e%2e` became `DELETE /people/P`. API paths are checked
 *   here, before any routing decision, and a bad one is sent to a path no route answers, marked
 *   so that proxy.ts answers 400 `invalid_path`.
 *
 * The hook is Node's `http.server.request.start` diagnostics channel, published synchronously
 * before the server's 'request' event; it is installed once per process by instrumentation.ts.
 * The marks travel as request headers whose names carry a per-process random token, and are
 * overwritten on every request, so a client cannot forge them.
 */
import crypto from 'node:crypto';
import diagnostics from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

const globalKey = Symbol.for('facerec.rawRequest');
interface Marks {
  peerHeader: string;
  pathErrorHeader: string;
}
type Holder = { [globalKey]?: Marks };

/** Where a refused API request is sent: no route matches it, and proxy.ts answers it first. */
export const REFUSED_API_PATH = '/api/v1/refused-path';

/** Why an API path is refused (a sentence for the error message), or null when it is fine. */
export function checkApiPath(rawPath: string): string | null {
  if (/%(?![0-9a-fA-F]{2})/.test(rawPath)) return 'The path has a malformed percent-escape (a "%" not followed by two hex digits).';
  if (/%(2f|5c)/i.test(rawPath) || rawPath.includes('\\')) return 'The path has an encoded or backward slash; ids never contain one.';
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return 'The path has a percent-escape that is not UTF-8.';
  }
  if (/[\u0000-\u001f\u007f]/.test(decoded)) return 'The path has a control character.';
  const segments = decoded.split('/').slice(1);
  if (segments.some((s) => s === '.' || s === '..')) return 'The path has a "." or ".." segment (perhaps percent-encoded); send ids as they were given.';
  if (segments.length > 1 && segments.slice(0, -1).some((s) => s === '')) return 'The path has an empty segment ("//").';
  if (segments.length > 1 && segments.at(-1) === '') return 'The path ends with "/"; API paths have no trailing slash.';
  return null;
}

/** The path of a request target (origin form `/a?b`, or absolute form `http://host/a?b`). */
function targetPath(target: string): string {
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(target);
  const rest = absolute ? target.slice(absolute[0].length) || '/' : target;
  return rest.split(/[?#]/, 1)[0];
}

/** True when the (raw) path is under /api once percent-escapes of letters are undone. */
function isApiPath(rawPath: string): boolean {
  let decoded = rawPath;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    // A malformed escape: judge the raw text.
  }
  return /^\/+api(\/|$)/i.test(decoded) || /^\/+api(\/|%|$)/i.test(rawPath);
}

function marks(): Marks {
  const holder = globalThis as Holder;
  holder[globalKey] ??= (() => {
    const token = crypto.randomBytes(8).toString('hex');
    return { peerHeader: `x-facerec-peer-${token}`, pathErrorHeader: `x-facerec-path-error-${token}` };
  })();
  return holder[globalKey];
}

function onRequestStart(message: unknown): void {
  const { request, socket } = message as { request: IncomingMessage; socket: Socket };
  const m = marks();
  request.headers[m.peerHeader] = socket.remoteAddress ?? '';
  delete request.headers[m.pathErrorHeader];
  const path = targetPath(request.url ?? '/');
  if (!isApiPath(path)) return;
  const problem = checkApiPath(path);
  if (problem) {
    request.headers[m.pathErrorHeader] = encodeURIComponent(problem);
    request.url = REFUSED_API_PATH;
  }
}

/** Subscribes the hook once per process (instrumentation.ts calls it at start). */
export function installRawRequestHook(): void {
  const holder = globalThis as Holder & { [k: symbol]: unknown };
  const installed = Symbol.for('facerec.rawRequest.installed');
  if (holder[installed]) return;
  holder[installed] = true;
  marks();
  diagnostics.subscribe('http.server.request.start', onRequestStart);
}

/** What the hook recorded about this request; `peer` is null when the hook is not installed. */
export function rawRequestInfo(req: Request): { peer: string | null; pathError: string | null } {
  const holder = globalThis as Holder;
  const m = holder[globalKey];
  if (!m) return { peer: null, pathError: null };
  const pathError = req.headers.get(m.pathErrorHeader);
  return { peer: req.headers.get(m.peerHeader) || null, pathError: pathError ? decodeURIComponent(pathError) : null };
}
