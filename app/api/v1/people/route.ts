import { auditBy } from '@/lib/server/auth';
import { parseWith, readJson, searchParams } from '@/lib/server/http';
import { route } from '@/lib/server/route';
import { createPersonSchema, listPeopleQuery } from '@/lib/server/schemas';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = route('people.list', 'enroll', async ({ req, services }) => {
  const q = parseWith(listPeopleQuery, searchParams(req));
  const page = await services.registry.listPeople({ limit: q.limit, cursor: q.cursor ?? null, query: q.q });
  if (!services.config.FACEREC_SIGHTINGS) return Response.json(page);
  // Additive while sightings are recorded: when each person was last seen (null: not yet, or purged).
  const lastSeen = await services.registry.sightings.lastSeen(page.people.map((p) => p.id));
  return Response.json({ ...page, people: page.people.map((p) => ({ ...p, lastSeenAt: lastSeen.get(p.id) ?? null })) });
});

export const POST = route('people.create', 'enroll', async ({ req, services, caller }) => {
  const input = await readJson(req, createPersonSchema);
  const { person } = await services.registry.addPerson(input, [], auditBy(caller));
  return Response.json(person, { status: 201, headers: { location: `/api/v1/people/${person.id}` } });
});
