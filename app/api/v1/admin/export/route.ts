import { auditBy } from '@/lib/server/auth';
import { route } from '@/lib/server/route';
import { exportRegistry } from '@/lib/server/transfer';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** The registry as a JSON Lines download (docs/registry.md), streamed one person a line. */
export const GET = route('admin.export', 'admin', async ({ services, caller }) => {
  const lines = exportRegistry(services.registry, auditBy(caller))[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await lines.next();
      if (done) controller.close();
      else controller.enqueue(encoder.encode(`${value}\n`));
    },
    async cancel() {
      await lines.return?.();
    },
  });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return new Response(body, {
    headers: {
      'content-type': 'application/x-ndjson; charset=utf-8',
      'content-disposition': `attachment; filename="facerec-export-${stamp}.jsonl"`,
      'cache-control': 'no-store',
    },
  });
});
