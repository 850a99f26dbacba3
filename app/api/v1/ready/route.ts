import { getServices, operatingPoint, servicesIfReady } from '@/lib/server/app';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Readiness: models loaded in every worker and the registry open. 503 until then. */
export function GET() {
  const services = servicesIfReady();
  if (!services) {
    getServices().catch(() => undefined); // start them if nothing has yet
    return Response.json({ error: { code: 'not_ready', message: 'Loading models and registry.' } }, { status: 503, headers: { 'retry-after': '1' } });
  }
  const size = services.registry.size();
  return Response.json({
    status: 'ready',
    workers: services.vision.threads,
    queueDepth: services.vision.queueDepth,
    recognition: operatingPoint(services),
    registry: { people: size.people, templates: size.templates, staleTemplates: size.staleTemplates, index: services.registry.indexState() },
  });
}
