import { ApiError } from '@/lib/server/errors';
import { route } from '@/lib/server/route';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const DELETE = route<{ id: string }>('keys.revoke', 'admin', async ({ params, services }) => {
  if (!(await services.keys.revoke(params.id))) throw new ApiError('not_found', 'No such key.');
  return new Response(null, { status: 204 });
});
