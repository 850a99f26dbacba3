import { z } from 'zod';
import { LIMITS } from '@/lib/contract/limits';
import { parseTrustedProxies } from './client-address';

/**
 * The one place that reads `process.env`. Every setting is validated once, on first use;
 * a bad value stops the process with a message that names the variable.
 */
const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const configSchema = z.object({
  /** HTTP port of `npm start`. */
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /**
   * Interface the server listens on (read by Next's standalone server.js). Unset, Node listens
   * on all interfaces; `npm start` sets 0.0.0.0; set 127.0.0.1 to serve this machine only.
   */
  HOSTNAME: z.string().optional(),
  /** `development` under `next dev` (its pages need `'unsafe-eval'` in the CSP). */
  NODE_ENV: z.string().default('production'),
  /**
   * Proxies whose `X-Forwarded-For` hops are believed when finding the client's address (rate
   * limits, failed-authentication backoff, logs). Empty (default): none, the TCP peer is the
   * client. A whole number N: the N nearest hops are proxies (Cloud Run: 1). Otherwise a comma
   * list of addresses and CIDR networks (`10.0.0.0/8,127.0.0.1`).
   */
  FACEREC_TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((text, ctx) => {
      try {
        return parseTrustedProxies(text);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
        return z.NEVER;
      }
    }),
  /**
   * When set, Prometheus metrics are also served at `/metrics` on this port (same interface as
   * the app), without a key: scrape it from inside the network and do not publish the port.
   * `/api/v1/metrics` on the main port always needs a key with the `metrics` (or `admin`) role.
   */
  FACEREC_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** Folder of the embedded SQLite registry (`facerec.db`) and other local state. */
  FACEREC_DATA_DIR: z.string().min(1).default('./data'),
  /** When set (postgres://...), the registry lives in PostgreSQL instead of SQLite. */
  FACEREC_DATABASE_URL: z.string().url().optional(),
  /** Admin API key; when unset one is generated on first start and printed once. */
  FACEREC_ADMIN_KEY: z.string().min(16).optional(),
  /** Lets recognize / verify / detect run without an API key. */
  FACEREC_PUBLIC_RECOGNITION: booleanFromEnv.default(false),
  /** Keep the aligned 150x150 face crop with each template (off: no face pixels stored). */
  FACEREC_KEEP_CROPS: booleanFromEnv.default(false),
  /**
   * Record sightings: each recognised track (one key's answers naming one person within 10 s)
   * is kept as one row (person, first and last seen, best similarity, key id). Off by default:
   * it is a record of where people were. Never a frame, crop or embedding; unknown faces are
   * only counted (Prometheus).
   */
  FACEREC_SIGHTINGS: booleanFromEnv.default(false),
  /** Sightings last seen more than this many days ago are deleted, at start and hourly (also while recording is off). */
  FACEREC_SIGHTINGS_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /**
   * Recognition's operating point: the share of strangers (people not enrolled) that may be named
   * as someone, 0.001..0.1 (below 0.001 the dev data behind the calibration cannot resolve it).
   * The bar follows the gallery's size to keep it (lib/vision/open-set.ts); lower names fewer
   * strangers and fewer enrolled faces.
   */
  FACEREC_TARGET_FPIR: z.coerce.number().min(0.001).max(0.1).default(0.01),
  /**
   * Secret behind the opaque candidate ids of recognition answers. Set the same value on every
   * instance behind one address, so a page's tracker sees one id per person whichever instance
   * answers; unset, each process makes its own (ids then change at every restart).
   */
  FACEREC_CANDIDATE_SECRET: z.string().min(16).optional(),
  /** 1:1 verify: cosine similarity threshold overriding the one calibrated for the model (FMR 1e-3). */
  FACEREC_MATCH_THRESHOLD: z.coerce.number().min(-1).max(1).optional(),
  /** Search index size (templates) above which search switches to the approximate index. */
  FACEREC_ANN_MIN_TEMPLATES: z.coerce.number().int().min(0).default(50_000),
  /** Flip-average embeddings of live frames too (enrollment and verify always do): +~0.7 point LFW accuracy for one more embedding pass per face. */
  FACEREC_FLIP_LIVE: booleanFromEnv.default(true),
  /**
   * Where the networks run: `cpu` (ONNX Runtime's CPU library, inside the npm package), or
   * `cuda` when the CUDA execution provider libraries are installed (docs/models.md, "GPU"); a
   * provider that cannot load falls back to `cpu` with a warning in the log.
   */
  FACEREC_EXECUTION_PROVIDER: z.enum(['cpu', 'cuda']).default('cpu'),
  /** Inference worker threads; 0 means one per core. */
  FACEREC_WORKERS: z.coerce.number().int().min(0).max(64).default(0),
  /**
   * Requests that may wait for a busy worker before new ones get 503 overloaded. Short on
   * purpose: a live frame that waits behind many others is stale when answered (measured with
   * 16: p50 3.2 s under 50 clients), and the page simply sends its next frame after a 503.
   */
  FACEREC_MAX_QUEUE: z.coerce.number().int().min(0).default(4),
  /** Requests per minute per API key and per client address (token bucket, per instance). */
  FACEREC_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(1200),
  /** Largest accepted request body, in bytes. */
  FACEREC_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(LIMITS.imageBodyMaxBytesDefault),
  /**
   * Largest body of `POST /api/v1/admin/import`, in bytes (a template without crop is about
   * 0.9 KB of JSON Lines: ~11 000 templates). Next buffers at most 10 MiB of a body for the
   * proxy (`proxyClientMaxBodySize`) and cuts the rest, so a larger limit only turns a long import
   * into a "truncated" refusal; import larger registries with `facerec import`.
   */
  FACEREC_MAX_IMPORT_BYTES: z.coerce.number().int().min(1024).default(10 * 1024 * 1024),
  /** Largest accepted image, in pixels (width x height), checked from the header before decoding. */
  FACEREC_MAX_IMAGE_PIXELS: z.coerce.number().int().min(1).default(LIMITS.imageMaxPixelsDefault),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof configSchema>;

let cached: Config | undefined;

/** Parses the environment (or the given record, for tests) into a typed config. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return result.data;
}

export function getConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
