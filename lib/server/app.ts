/**
 * The server's services, created once per process and warmed at start (instrumentation.ts):
 * the inference pool, the registry, the key store, the rate limiter. Kept on globalThis so
 * every bundle Next builds (routes, instrumentation) shares the same instances.
 */
import { getRegistry } from '@/lib/registry';
import type { Registry } from '@/lib/registry/registry';
import { startSightingsRetention } from '@/lib/registry/sightings-retention';
import { DEFAULT_DECODE_LIMITS } from '@/lib/vision/image';
import { EMBEDDING_MODEL } from '@/lib/vision/models';
import { InferencePool } from '@/lib/vision/pool';
import { openSetThreshold } from '@/lib/vision/open-set';
import type { OperatingPoint } from '@/lib/vision/recognize';
import { AuthFailureBackoff } from './auth-failures';
import { getConfig, type Config } from './config';
import { PostgresKeyStore, SqliteKeyStore, type KeyStore } from './keys';
import { getLogger } from './logger';
import { getMetrics } from './metrics';
import { startMetricsListener } from './metrics-listener';
import { RateLimiter } from './rate-limit';

export interface Services {
  config: Config;
  vision: InferencePool;
  registry: Registry;
  keys: KeyStore;
  limiter: RateLimiter;
  /** Lockouts after failed authentication, per client address. */
  authFailures: AuthFailureBackoff;
  /** 1:1 verify: cosine similarity at or above which two faces are the same person. */
  threshold: number;
  /** 1:N recognition: the model's open-set calibration at the configured target FPIR. */
  operatingPoint: OperatingPoint;
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
  const [registry, warm] = await Promise.all([
    getRegistry({ modelId: EMBEDDING_MODEL.id, dim: EMBEDDING_MODEL.dim }),
    vision.warmup(),
  ]);
  const keys: KeyStore = config.FACEREC_DATABASE_URL ? new PostgresKeyStore(config.FACEREC_DATABASE_URL) : new SqliteKeyStore(config.FACEREC_DATA_DIR);
  if (!config.FACEREC_ADMIN_KEY && (await keys.countByRole('admin')) === 0) {
    const { key } = await keys.create('initial admin', 'admin');
    // Printed once, on the first start only; only its hash is stored.
    process.stdout.write(`\nfacerec: generated an admin API key (shown once, store it now):\n  ${key}\n\n`);
  }
  const fallback = warm.find((w) => w.fallback)?.fallback;
  if (fallback) log.warn({ requested: config.FACEREC_EXECUTION_PROVIDER }, fallback);
  const size = registry.size();
  if (size.staleTemplates > 0) {
    log.warn({ staleTemplates: size.staleTemplates, model: EMBEDDING_MODEL.id }, 'templates of another embedding model need re-embedding; they are not searched');
  }
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
    threshold: config.FACEREC_MATCH_THRESHOLD ?? EMBEDDING_MODEL.threshold,
    operatingPoint: { calibration: EMBEDDING_MODEL.openSet, targetFpir: config.FACEREC_TARGET_FPIR },
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
