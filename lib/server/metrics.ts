/**
 * Prometheus metrics (prom-client), one registry per process on globalThis so Next's module
 * copies share it. Gauges that mirror other state (queue depth, registry size) are read at
 * scrape time through `collect`.
 */
import client from 'prom-client';

export interface Metrics {
  registry: client.Registry;
  requests: client.Counter<'route' | 'method' | 'status'>;
  requestSeconds: client.Histogram<'route' | 'method'>;
  stageSeconds: client.Histogram<'stage'>;
  facesTotal: client.Counter<'outcome'>;
  rejected: client.Counter<'reason'>;
  /** Sightings writes (FACEREC_SIGHTINGS) by outcome: new, extended, gone (person deleted meanwhile), failed. */
  sightings: client.Counter<'outcome'>;
  /** Set by the app container: how to read live state at scrape time. */
  setProbes(probes: { queueDepth: () => number; registrySize: () => { people: number; templates: number } }): void;
}

const globalKey = Symbol.for('facerec.metrics');
type Holder = { [globalKey]?: Metrics };

function createMetrics(): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'facerec_process_' });
  let probes: Parameters<Metrics['setProbes']>[0] | undefined;
  const requests = new client.Counter({ name: 'facerec_http_requests_total', help: 'HTTP requests by route, method and status.', labelNames: ['route', 'method', 'status'] as const, registers: [registry] });
  const requestSeconds = new client.Histogram({
    name: 'facerec_http_request_duration_seconds', help: 'HTTP request latency by route.', labelNames: ['route', 'method'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4], registers: [registry],
  });
  const stageSeconds = new client.Histogram({
    name: 'facerec_inference_stage_seconds', help: 'Inference latency per pipeline stage.', labelNames: ['stage'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.8], registers: [registry],
  });
  const facesTotal = new client.Counter({ name: 'facerec_faces_total', help: 'Faces seen by recognize, by outcome (matched or unknown).', labelNames: ['outcome'] as const, registers: [registry] });
  const rejected = new client.Counter({ name: 'facerec_rejected_requests_total', help: 'Requests refused before inference: overloaded, rate_limited, unauthorized, ...', labelNames: ['reason'] as const, registers: [registry] });
  // Unknown faces are counted by facerec_faces_total{outcome="unknown"}, never stored.
  const sightings = new client.Counter({ name: 'facerec_sightings_total', help: 'Sighting writes by outcome: new, extended (same track), gone (person deleted meanwhile), failed.', labelNames: ['outcome'] as const, registers: [registry] });
  new client.Gauge({ name: 'facerec_inference_queue_depth', help: 'Requests waiting for an inference worker.', registers: [registry], collect() { this.set(probes?.queueDepth() ?? 0); } });
  new client.Gauge({ name: 'facerec_registry_people', help: 'People in the registry.', registers: [registry], collect() { this.set(probes?.registrySize().people ?? 0); } });
  new client.Gauge({ name: 'facerec_registry_templates', help: 'Searchable templates in the registry.', registers: [registry], collect() { this.set(probes?.registrySize().templates ?? 0); } });
  return { registry, requests, requestSeconds, stageSeconds, facesTotal, rejected, sightings, setProbes: (p) => { probes = p; } };
}

export function getMetrics(): Metrics {
  const holder = globalThis as Holder;
  holder[globalKey] ??= createMetrics();
  return holder[globalKey];
}
