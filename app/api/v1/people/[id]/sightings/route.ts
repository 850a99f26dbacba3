import { z } from 'zod';
import { parseWith, searchParams } from '@/lib/server/http';
import { route } from '@/lib/server/route';
import { SIGHTINGS_PAGE_DEFAULT, SIGHTINGS_PAGE_MAX } from '@/lib/registry/sightings';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const sightingsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(SIGHTINGS_PAGE_MAX).default(SIGHTINGS_PAGE_DEFAULT),
  cursor: z.string().max(500).optional(),
});

/**
 * When the person was seen (FACEREC_SIGHTINGS), newest first, paged. Rows kept from a time when
 * recording was on are still listed until retention removes them; `recording` tells whether
 * new ones are being written.
 */
export const GET = route<{ id: string }>('people.sightings', 'enroll', async ({ req, params, services }) => {
  const q = parseWith(sightingsQuery, searchParams(req));
  await services.registry.getPerson(params.id); // 404 for an unknown person, not an empty list
  const page = await services.registry.sightings.list(params.id, { limit: q.limit, cursor: q.cursor ?? null });
  return Response.json({ ...page, recording: services.config.FACEREC_SIGHTINGS, retentionDays: services.config.FACEREC_SIGHTINGS_RETENTION_DAYS });
});
