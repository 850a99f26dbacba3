import { exportPerson } from '@/lib/server/person-export';
import { route } from '@/lib/server/route';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Everything held about one person, as one JSON document (admin only: it holds face crops and sightings). */
export const GET = route<{ id: string }>('people.export', 'admin', async ({ params, services }) => {
  const document = await exportPerson(params.id, {
    registry: services.registry,
    nowIso: () => new Date().toISOString(),
  });
  return Response.json(document, {
    headers: { 'cache-control': 'no-store', 'content-disposition': `attachment; filename="person-${document.person.id}.json"` },
  });
});
