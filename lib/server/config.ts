import { z } from 'zod';

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
  /** Decision threshold (cosine similarity) overriding the one calibrated for the model. */
  FACEREC_MATCH_THRESHOLD: z.coerce.number().min(-1).max(1).optional(),
  /** Gallery size (templates) above which search switches to the approximate index. */
  FACEREC_ANN_MIN_TEMPLATES: z.coerce.number().int().min(0).default(50_000),
  /** Flip-average embeddings of live frames too (enrolment and verify always do): +~0.7 point LFW accuracy for one more embedding pass per face. */
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
  FACEREC_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(10 * 1024 * 1024),
  /** Largest accepted image, in pixels (width x height), checked from the header before decoding. */
  FACEREC_MAX_IMAGE_PIXELS: z.coerce.number().int().min(1).default(40_000_000),
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
