import { auditBy } from '@/lib/server/auth';
import { readJson } from '@/lib/server/http';
import { route } from '@/lib/server/route';
import { createKeySchema } from '@/lib/server/schemas';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = route('keys.list', 'admin', async ({ services }) => Response.json({ keys: await services.keys.list() }));

/** Creates a key; the answer is the only time the key itself is shown. */
export const POST = route('keys.create', 'admin', async ({ req, services, caller }) => {
  const { name, role } = await readJson(req, createKeySchema);
  const { info, key } = await services.keys.create(name, role, auditBy(caller));
  return Response.json({ ...info, key }, { status: 201 });
});
