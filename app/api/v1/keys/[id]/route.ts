import { auditBy } from '@/lib/server/auth';
import { ApiError } from '@/lib/server/errors';
import { route } from '@/lib/server/route';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const DELETE = route<{ id: string }>('keys.revoke', 'admin', async ({ params, services, caller }) => {
  if (!(await services.keys.revoke(params.id, auditBy(caller)))) throw new ApiError('not_found', 'No such key.');
  return new Response(null, { status: 204 });
});
