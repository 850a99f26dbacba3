import { auditBy } from '@/lib/server/auth';
import { readJson } from '@/lib/server/http';
import { route } from '@/lib/server/route';
import { updatePersonSchema } from '@/lib/server/schemas';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

type Params = { id: string };

export const GET = route<Params>('people.get', 'enroll', async ({ params, services }) =>
  Response.json(await services.registry.getPerson(params.id)),
);

export const PATCH = route<Params>('people.update', 'enroll', async ({ req, params, services, caller }) => {
  const patch = await readJson(req, updatePersonSchema);
  return Response.json(await services.registry.updatePerson(params.id, patch, auditBy(caller)));
});

/** Erases the person and every template and crop. */
export const DELETE = route<Params>('people.delete', 'enroll', async ({ params, services, caller }) => {
  await services.registry.deletePerson(params.id, auditBy(caller));
  return new Response(null, { status: 204 });
});
