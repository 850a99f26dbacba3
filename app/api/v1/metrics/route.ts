import { getMetrics } from '@/lib/server/metrics';
import { route } from '@/lib/server/route';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * Prometheus text exposition, for a key with the `metrics` (or `admin`) role. Without keys,
 * scrape FACEREC_METRICS_PORT from inside the network instead.
 */
export const GET = route('metrics', 'metrics', async () => {
  const { registry } = getMetrics();
  return new Response(await registry.metrics(), { headers: { 'content-type': registry.contentType } });
});
