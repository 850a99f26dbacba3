/**
 * Registry export and import as the operator reaches them: `facerec export|import FILE` and
 * `GET /api/v1/admin/export` / `POST /api/v1/admin/import` both go through here, so the one
 * place that records who moved the registry (the audit trail) is `recordTransfer` below.
 * The format and its all-or-nothing import are the registry's (lib/registry/jsonl.ts,
 * docs/registry.md).
 */
import type { Registry } from '../registry/registry';
import { ApiError } from './errors';

/** Who asked: an API key, or the command line on the server's machine. */
export type TransferActor = { kind: 'key'; keyId: string | null } | { kind: 'cli' };

export interface ImportCounts {
  people: number;
  templates: number;
}

/**
 * The audit hook of export and import: called once after an export has streamed its last line,
 * and once after an import committed. The lead wires the registry's audit trail here at merge.
 */
async function recordTransfer(_registry: Registry, _actor: TransferActor, _what: { action: 'export'; people: number } | { action: 'import'; counts: ImportCounts }): Promise<void> {
  // AUDIT: record { actor, action, counts } in the registry's audit trail here.
}

/** The registry as JSON Lines (header first, one person a line), each line without its newline. */
export async function* exportRegistry(registry: Registry, actor: TransferActor): AsyncIterable<string> {
  let lines = 0;
  for await (const line of registry.export()) {
    lines++;
    yield line;
  }
  await recordTransfer(registry, actor, { action: 'export', people: lines - 1 });
}

/** Imports JSON Lines: all or nothing (the registry stages every line before one commit). */
export async function importRegistry(registry: Registry, lines: AsyncIterable<string> | Iterable<string>, actor: TransferActor): Promise<ImportCounts> {
  const counts = await registry.import(lines);
  await recordTransfer(registry, actor, { action: 'import', counts });
  return counts;
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
