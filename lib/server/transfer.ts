/**
 * Registry export and import as the operator reaches them: `facerec export|import FILE` and
 * `GET /api/v1/admin/export` / `POST /api/v1/admin/import` both go through here, so the audit
 * trail records who moved the registry the same way from either.
 * The format and its all-or-nothing import are the registry's (lib/registry/jsonl.ts,
 * docs/registry.md).
 */
import type { AuditContext } from '../registry/audit';
import type { Registry } from '../registry/registry';
import { ApiError } from './errors';

export interface ImportCounts {
  people: number;
  templates: number;
}

/**
 * The registry as JSON Lines (header first, one person a line), each line without its newline.
 * Once the last line has streamed, the export is recorded in the audit trail (`registry.export`,
 * with the people count); `by` is the caller, or none for the command line (the `system` actor).
 */
export async function* exportRegistry(registry: Registry, by?: AuditContext): AsyncIterable<string> {
  let lines = 0;
  for await (const line of registry.export()) {
    lines++;
    yield line;
  }
  await registry.audit.record('registry.export', by, {}, { people: lines - 1 });
}

/**
 * Imports JSON Lines: all or nothing (the registry stages every line before one commit, and
 * writes the `registry.import` audit entry with the counts in that same transaction).
 */
export function importRegistry(registry: Registry, lines: AsyncIterable<string> | Iterable<string>, by?: AuditContext): Promise<ImportCounts> {
  return registry.import(lines, by);
}

/** Media types of a JSON Lines body. */
export const JSONL_TYPES = ['application/x-ndjson', 'application/jsonl', 'application/json-lines'];

/**
 * The lines of a request body as they stream in, UTF-8 (fatal). The body must declare its
 * Content-Length and arrive whole: Next's proxy passes on only the first 10 MiB of a body
 * (silently), and an export cut at a line end would otherwise import as a smaller registry.
 * Thrown mid-import, an error aborts the import: nothing of it is written.
 */
export async function* requestLines(req: Request, maxBytes: number): AsyncIterable<string> {
  const header = req.headers.get('content-length');
  const declared = header !== null && /^\d+$/.test(header) ? Number(header) : NaN;
  if (!Number.isSafeInteger(declared)) throw new ApiError('invalid_request', 'Send the import with a Content-Length header (e.g. curl --data-binary @FILE).');
  if (declared > maxBytes) throw new ApiError('payload_too_large', `The body is ${declared} bytes; the import limit is ${maxBytes}.`);
  if (!req.body) return;
  const reader = req.body.getReader();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let total = 0;
  let pending = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > declared) throw new ApiError('invalid_request', `The body is longer than its Content-Length (${declared} bytes).`);
      pending += decodeUtf8(decoder, value, true);
      const parts = pending.split('\n');
      pending = parts.pop()!;
      yield* parts;
    }
    if (total < declared) throw new ApiError('invalid_request', `The body ended after ${total} of its ${declared} bytes (truncated); nothing was imported.`);
    pending += decodeUtf8(decoder, undefined, false);
    if (pending !== '') yield pending;
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

function decodeUtf8(decoder: TextDecoder, bytes: Uint8Array | undefined, stream: boolean): string {
  try {
    return decoder.decode(bytes, { stream });
  } catch {
    throw new ApiError('invalid_request', 'The import body is not valid UTF-8.');
  }
}
