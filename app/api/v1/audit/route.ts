import { z } from 'zod';
import { AUDIT_ACTIONS, AUDIT_PAGE_DEFAULT, AUDIT_PAGE_MAX } from '@/lib/registry/audit';
import { parseWith, searchParams } from '@/lib/server/http';
import { route } from '@/lib/server/route';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Filters of the audit trail; the registry checks them again (cursor form, times). */
const auditQuery = z.object({
  personId: z.uuid().optional(),
  actor: z.union([z.literal('admin'), z.literal('system'), z.uuid()]).optional(),
  action: z.enum(AUDIT_ACTIONS).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  cursor: z.string().max(32).optional(),
  limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).default(AUDIT_PAGE_DEFAULT),
});

/** The audit trail, newest first, with filters and cursor paging (admin only). */
export const GET = route('audit.list', 'admin', async ({ req, services }) => {
  const query = parseWith(auditQuery, searchParams(req));
  return Response.json(await services.registry.audit.list(query));
});
