import type { ImportCounts } from '@/lib/contract';
import { auditBy } from '@/lib/server/auth';
import { ApiError } from '@/lib/server/errors';
import { route } from '@/lib/server/route';
import { importRegistry, JSONL_TYPES, requestLines } from '@/lib/server/transfer';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Imports an export (JSON Lines body): all or nothing; answers the counts imported. */
export const POST = route('admin.import', 'admin', async ({ req, services, caller }) => {
  const type = (req.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (!JSONL_TYPES.includes(type)) {
    throw new ApiError('unsupported_media_type', `Send the export as JSON Lines (Content-Type ${JSONL_TYPES[0]}); got "${type || 'no content type'}".`);
  }
  const lines = requestLines(req, services.config.FACEREC_MAX_IMPORT_BYTES);
  const counts = await importRegistry(services.registry, lines, auditBy(caller));
  return Response.json(counts satisfies ImportCounts);
});
