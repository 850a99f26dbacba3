/**
 * The optional monitoring listener (FACEREC_METRICS_PORT): Prometheus text at `/metrics`, no
 * key, nothing else. Meant for a scraper inside the network; the port is not published.
 */
import http from 'node:http';
import type { Config } from './config';
import { getLogger } from './logger';
import { getMetrics } from './metrics';

export function startMetricsListener(config: Config): http.Server | null {
  if (!config.FACEREC_METRICS_PORT) return null;
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?', 1)[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(path === '/metrics' ? 405 : 404, { 'content-type': 'application/json', ...(path === '/metrics' ? { allow: 'GET, HEAD' } : {}) });
      res.end(JSON.stringify({ error: path === '/metrics' ? { code: 'method_not_allowed', message: 'Only GET /metrics.' } : { code: 'not_found', message: 'Only /metrics is served here.' } }));
      return;
    }
    const { registry } = getMetrics();
    registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': registry.contentType, 'x-content-type-options': 'nosniff' });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (err) => {
        getLogger().error({ err }, 'metrics scrape failed');
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'internal', message: 'Internal server error.' } }));
      },
    );
  });
  server.on('error', (err) => getLogger().error({ err, port: config.FACEREC_METRICS_PORT }, 'metrics listener failed'));
  // Not a reason to keep the process alive on its own.
  server.unref();
  server.listen(config.FACEREC_METRICS_PORT, config.HOSTNAME || undefined, () => {
    getLogger().info({ port: config.FACEREC_METRICS_PORT, host: config.HOSTNAME ?? 'all interfaces' }, 'metrics listener up');
  });
  return server;
}
