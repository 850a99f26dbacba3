import { route } from '@/lib/server/route';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const DELETE = route<{ id: string; faceId: string }>('people.faces.delete', 'enroll', async ({ params, services }) => {
  await services.registry.removeTemplate(params.id, params.faceId);
  return new Response(null, { status: 204 });
});
