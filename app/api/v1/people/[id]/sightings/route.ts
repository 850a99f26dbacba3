import { sightingsQuery, type SightingsPage } from '@/lib/contract';
import { parseWith, searchParams } from '@/lib/server/http';
import { route } from '@/lib/server/route';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * When the person was seen (FACEREC_SIGHTINGS), newest first, paged. Rows kept from a time when
 * recording was on are still listed until retention removes them; `recording` tells whether
 * new ones are being written.
 */
export const GET = route<{ id: string }>('people.sightings', 'enroll', async ({ req, params, services }) => {
  const q = parseWith(sightingsQuery, searchParams(req));
  await services.registry.getPerson(params.id); // 404 for an unknown person, not an empty list
  const page = await services.registry.sightings.list(params.id, { limit: q.limit, cursor: q.cursor ?? null });
  return Response.json({ ...page, recording: services.config.FACEREC_SIGHTINGS, retentionDays: services.config.FACEREC_SIGHTINGS_RETENTION_DAYS } satisfies SightingsPage);
});
