import { getMetrics } from '@/lib/server/metrics';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Prometheus text exposition. Keep this path internal (scrape from inside the network). */
export async function GET() {
  const { registry } = getMetrics();
  return new Response(await registry.metrics(), { headers: { 'content-type': registry.contentType } });
}
