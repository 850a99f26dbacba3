import { auditBy } from '@/lib/server/auth';
import { route } from '@/lib/server/route';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const DELETE = route<{ id: string; faceId: string }>('people.faces.delete', 'enroll', async ({ params, services, caller }) => {
  await services.registry.removeTemplate(params.id, params.faceId, auditBy(caller));
  return new Response(null, { status: 204 });
});
