import { operatingPoint } from '@/lib/server/app';
import { route } from '@/lib/server/route';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const notReady = () => Response.json({ error: { code: 'not_ready', message: 'Loading models and registry.' } }, { status: 503, headers: { 'retry-after': '1' } });

/**
 * Readiness: models loaded in every worker and the registry open; 503 until then. Callers
 * without a key learn only that; a key with any role also gets the details below.
 */
export const GET = route('ready', 'none', async ({ services, caller }) => {
  if (!caller.role) return Response.json({ status: 'ready' });
  const size = services.registry.size();
  return Response.json({
    status: 'ready',
    workers: services.vision.threads,
    queueDepth: services.vision.queueDepth,
    recognition: operatingPoint(services),
    registry: { people: size.people, templates: size.templates, staleTemplates: size.staleTemplates, index: services.registry.indexState() },
  });
}, { whileStarting: notReady });
