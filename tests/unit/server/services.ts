/**
 * Real server services for seam tests that need no models: the parsed config, a SQLite key
 * registry (with its key store) in a temp folder, the rate limiter and the failed-authentication backoff.
 * `vision` is left out (null): handlers under these tests never run inference.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRegistry } from '@/lib/registry';
import type { Services } from '@/lib/server/app';
import { AuthFailureBackoff } from '@/lib/server/auth-failures';
import { parseConfig } from '@/lib/server/config';
import { RateLimiter } from '@/lib/server/rate-limit';
import { EMBEDDING_MODEL } from '@/lib/vision/models';

export const ADMIN_KEY = 'env-admin-key-for-unit-tests';

export async function makeServices(env: Record<string, string> = {}): Promise<{ services: Services; close: () => Promise<void> }> {
  // The server log (lib/server/logger.ts reads the environment): 5xx details and failed
  // authentications are logged there, which would only clutter the test output.
  process.env.LOG_LEVEL = 'silent';
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facerec-seams-'));
  const config = parseConfig({ FACEREC_DATA_DIR: dataDir, FACEREC_ADMIN_KEY: ADMIN_KEY, LOG_LEVEL: 'silent', ...env });
  const registry = await createRegistry({ dataDir, modelId: EMBEDDING_MODEL.id, dim: EMBEDDING_MODEL.dim });
  const keys = registry.keys;
  const services: Services = {
    config,
    vision: null as never,
    registry,
    keys,
    limiter: new RateLimiter(config.FACEREC_RATE_LIMIT_PER_MINUTE),
    authFailures: new AuthFailureBackoff(),
    threshold: EMBEDDING_MODEL.threshold,
    operatingPoint: { calibration: EMBEDDING_MODEL.openSet, targetFpir: config.FACEREC_TARGET_FPIR },
    sightings: null,
    startedAt: Date.now(),
  };
  return {
    services,
    close: async () => {
      await registry.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Makes `getServices()` (lib/server/app.ts) answer these services, as after a start: route()
 * then runs against them. The holder is app.ts's globalThis entry.
 */
export function installServices(services: Services): () => void {
  const key = Symbol.for('facerec.services');
  const holder = globalThis as Record<symbol, unknown>;
  holder[key] = { promise: Promise.resolve(services), ready: services };
  return () => {
    delete holder[key];
  };
}

export function bearer(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}
