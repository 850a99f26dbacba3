import { auditQuery, type AuditPage } from '@/lib/contract';
import { parseWith, searchParams } from '@/lib/server/http';
import { route } from '@/lib/server/route';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** The audit trail, newest first, with filters and cursor paging (admin only). */
export const GET = route('audit.list', 'admin', async ({ req, services }) => {
  const query = parseWith(auditQuery, searchParams(req));
  return Response.json((await services.registry.audit.list(query)) satisfies AuditPage);
});
