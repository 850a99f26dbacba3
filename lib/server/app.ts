/**
 * The composition root: the one place that wires the app. It reads the config once, makes the
 * logger, opens the registry with that logger (its key store and audit trail come with it, on
 * the same connection), the inference pool and the rate limiter, all created once per process
 * and warmed at start (instrumentation.ts). The Services object is the one process-wide
 * singleton, kept on globalThis so every bundle Next builds (routes, instrumentation) shares it.
 */
import { createRegistry, type KeyStore, type Registry } from '@/lib/registry';
import { startSightingsRetention } from '@/lib/registry/sightings-retention';
import { DEFAULT_DECODE_LIMITS } from '@/lib/vision/image';
import { EMBEDDING_MODEL } from '@/lib/vision/models';
import { InferencePool } from '@/lib/vision/pool';
import { openSetThreshold } from '@/lib/vision/open-set';
import type { OperatingPoint } from '@/lib/vision/recognize';
import { AuthFailureBackoff } from './auth-failures';
import { getConfig, type Config } from './config';
import { firstStartMessage } from './first-start';
import { getLogger } from './logger';
import { getMetrics } from './metrics';
import { startMetricsListener } from './metrics-listener';
import { RateLimiter } from './rate-limit';
import { registryOptions } from './registry-options';
import { SightingsWriter } from './sightings-writer';
import { verifyThreshold } from './verify';

export interface Services {
  config: Config;
  vision: InferencePool;
  registry: Registry;
  /** The registry's key store (`registry.keys`). */
  keys: KeyStore;
  limiter: RateLimiter;
  /** Lockouts after failed authentication, per client address. */
  authFailures: AuthFailureBackoff;
  /** 1:1 verify: cosine similarity at or above which two faces are the same person. */
  threshold: number;
  /** 1:N recognition: the model's open-set calibration at the configured target FPIR. */
  operatingPoint: OperatingPoint;
  /** Gathers and writes recognition answers' sightings; null unless FACEREC_SIGHTINGS. */
  sightings: SightingsWriter | null;
  startedAt: number;
}

const globalKey = Symbol.for('facerec.services');
type Holder = { [globalKey]?: { promise: Promise<Services>; ready?: Services; error?: unknown } };

async function start(): Promise<Services> {
  const t0 = performance.now();
  const config = getConfig();
  const log = getLogger();
  const vision = new InferencePool({
    threads: config.FACEREC_WORKERS,
    maxQueue: config.FACEREC_MAX_QUEUE,
    pipeline: {
      decode: { ...DEFAULT_DECODE_LIMITS, maxPixels: config.FACEREC_MAX_IMAGE_PIXELS },
      onnx: { session: { executionProvider: config.FACEREC_EXECUTION_PROVIDER, intraOpThreads: 1 } },
    },
  });
  const [opened, warmed] = await Promise.allSettled([
    createRegistry({
      ...registryOptions(config),
      // PostgreSQL listener reconnects and resync failures are logged, not silenced.
      log: log.child({ component: 'registry' }),
    }),
    vision.warmup(),
  ]);
  if (opened.status === 'rejected' || warmed.status === 'rejected') {
    // Release what did open: a later request retries the whole start.
    if (opened.status === 'fulfilled') await opened.value.close().catch(() => undefined);
    await vision.dispose().catch(() => undefined);
    throw opened.status === 'rejected' ? opened.reason : (warmed as PromiseRejectedResult).reason;
  }
  const registry = opened.value;
  const warm = warmed.value;
  const keys = registry.keys;
  if (!config.FACEREC_ADMIN_KEY && (await keys.countByRole('admin')) === 0) {
    const { key } = await keys.create('initial admin', 'admin');
    // Printed once, on the first start only; only its hash is stored.
    process.stdout.write(firstStartMessage(key, { port: config.PORT, hostname: config.HOSTNAME }));
  }
  const fallback = warm.find((w) => w.fallback)?.fallback;
  if (fallback) log.warn({ requested: config.FACEREC_EXECUTION_PROVIDER }, fallback);
  // Stale templates (of another embedding model) are logged by the registry as it opens.
  const size = registry.size();
  getMetrics().setProbes({ queueDepth: () => vision.queueDepth, registrySize: () => registry.size() });
  startMetricsListener(config);
  // Also while recording is off: rows kept from before still expire.
  startSightingsRetention(registry.sightings, { retentionDays: config.FACEREC_SIGHTINGS_RETENTION_DAYS, log });
  const services: Services = {
    config,
    vision,
    registry,
    keys,
    limiter: new RateLimiter(config.FACEREC_RATE_LIMIT_PER_MINUTE),
    authFailures: new AuthFailureBackoff(),
    threshold: verifyThreshold(config),
    operatingPoint: { calibration: EMBEDDING_MODEL.openSet, targetFpir: config.FACEREC_TARGET_FPIR },
    sightings: config.FACEREC_SIGHTINGS
      ? new SightingsWriter(registry.sightings, { onOutcome: (outcome) => getMetrics().sightings.inc({ outcome }), log: log.child({ component: 'sightings' }) })
      : null,
    startedAt: Date.now(),
  };
  log.info({ ms: Math.round(performance.now() - t0), workers: vision.threads, runtime: warm[0]?.runtime, people: size.people, templates: size.templates, database: config.FACEREC_DATABASE_URL ? 'postgres' : 'sqlite' }, 'facerec ready');
  return services;
}

/**
 * Recognition's operating point as /info and /ready report it: the target, and (for callers
 * with a key: it tells the registry's size) the gallery and today's bar.
 */
export function operatingPoint(services: Services, opts: { withGallery: boolean } = { withGallery: true }) {
  const { calibration, targetFpir } = services.operatingPoint;
  const base = {
    rule: 'open-set: person centroids, normalised by template count, crowding and runners-up',
    targetFpir,
    calibration: calibration.source,
  };
  if (!opts.withGallery) return base;
  const galleryPeople = services.registry.searchablePeople();
  return { ...base, galleryPeople, threshold: Math.round(openSetThreshold(calibration, galleryPeople, targetFpir) * 10_000) / 10_000 };
}

/** The services, starting them on first call. */
export function getServices(): Promise<Services> {
  const holder = globalThis as Holder;
  if (!holder[globalKey]) {
    const entry: NonNullable<Holder[typeof globalKey]> = { promise: start() };
    holder[globalKey] = entry;
    entry.promise.then(
      (s) => { entry.ready = s; },
      (e) => {
        entry.error = e;
        getLogger().error({ err: e }, 'facerec failed to start');
        // Let a later request try again instead of failing forever.
        delete holder[globalKey];
      },
    );
  }
  return holder[globalKey].promise;
}

/** The services if they are up, without waiting (for /ready and /health). */
export function servicesIfReady(): Services | undefined {
  return (globalThis as Holder)[globalKey]?.ready;
}
