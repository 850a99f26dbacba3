/** The environment parsed once into typed settings: defaults, coercion, bounds, clear refusals. */
import { parseConfig } from '@/lib/server/config';

/** The message parseConfig refuses `env` with. */
function refusal(env: Record<string, string>): string {
  try {
    parseConfig(env);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('parseConfig', () => {
  it('fills every default from an empty environment', () => {
    const c = parseConfig({});
    expect(c).toMatchObject({
      PORT: 3000,
      NODE_ENV: 'production',
      FACEREC_DATA_DIR: './data',
      FACEREC_PUBLIC_RECOGNITION: false,
      FACEREC_KEEP_CROPS: false,
      FACEREC_TARGET_FPIR: 0.01,
      FACEREC_ANN_MIN_TEMPLATES: 50_000,
      FACEREC_FLIP_LIVE: true,
      FACEREC_EXECUTION_PROVIDER: 'cpu',
      FACEREC_WORKERS: 0,
      FACEREC_MAX_QUEUE: 4,
      FACEREC_RATE_LIMIT_PER_MINUTE: 1200,
      FACEREC_MAX_BODY_BYTES: 10 * 1024 * 1024,
      FACEREC_MAX_IMPORT_BYTES: 10 * 1024 * 1024,
      FACEREC_MAX_IMAGE_PIXELS: 40_000_000,
      LOG_LEVEL: 'info',
    });
    expect(c.FACEREC_TRUSTED_PROXIES).toEqual({ hops: 0 });
    for (const unset of ['FACEREC_DATABASE_URL', 'FACEREC_ADMIN_KEY', 'FACEREC_MATCH_THRESHOLD', 'FACEREC_METRICS_PORT', 'FACEREC_CANDIDATE_SECRET'] as const) {
      expect(c[unset]).toBeUndefined();
    }
  });

  it('reads numbers, booleans in their usual spellings and proxy hop counts from strings', () => {
    const c = parseConfig({ PORT: '8080', FACEREC_PUBLIC_RECOGNITION: 'yes', FACEREC_KEEP_CROPS: '1', FACEREC_FLIP_LIVE: 'false', FACEREC_MATCH_THRESHOLD: '0.61', FACEREC_TRUSTED_PROXIES: '1' });
    expect([c.PORT, c.FACEREC_PUBLIC_RECOGNITION, c.FACEREC_KEEP_CROPS, c.FACEREC_FLIP_LIVE, c.FACEREC_MATCH_THRESHOLD]).toEqual([8080, true, true, false, 0.61]);
    expect(c.FACEREC_TRUSTED_PROXIES).toEqual({ hops: 1 });
  });

  it('accepts the ends of each range', () => {
    expect(() => parseConfig({ PORT: '1', FACEREC_TARGET_FPIR: '0.001', FACEREC_WORKERS: '64', FACEREC_MATCH_THRESHOLD: '-1', FACEREC_MAX_BODY_BYTES: '1024' })).not.toThrow();
    expect(() => parseConfig({ PORT: '65535', FACEREC_TARGET_FPIR: '0.1', FACEREC_MATCH_THRESHOLD: '1', FACEREC_MAX_QUEUE: '0' })).not.toThrow();
  });

  it.each([
    ['PORT', '0'],
    ['PORT', '65536'],
    ['PORT', 'eighty'],
    ['FACEREC_TARGET_FPIR', '0.0005'],
    ['FACEREC_TARGET_FPIR', '0.2'],
    ['FACEREC_WORKERS', '65'],
    ['FACEREC_WORKERS', '1.5'],
    ['FACEREC_MAX_QUEUE', '-1'],
    ['FACEREC_MATCH_THRESHOLD', '1.01'],
    ['FACEREC_MAX_BODY_BYTES', '1000'],
    ['FACEREC_MAX_IMPORT_BYTES', '10'],
    ['FACEREC_RATE_LIMIT_PER_MINUTE', '0'],
    ['FACEREC_ADMIN_KEY', 'short'],
    ['FACEREC_CANDIDATE_SECRET', 'short'],
    ['FACEREC_DATABASE_URL', 'not a url'],
    ['FACEREC_PUBLIC_RECOGNITION', 'maybe'],
    ['FACEREC_EXECUTION_PROVIDER', 'tpu'],
    ['LOG_LEVEL', 'verbose'],
    ['FACEREC_TRUSTED_PROXIES', '10.0.0.0/99'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    const message = refusal({ [name]: value });
    expect(message).toMatch(/^Invalid configuration:\n {2}/);
    expect(message).toContain(`${name}: `);
  });

  it('lists every bad variable at once, one a line', () => {
    const lines = refusal({ PORT: '0', LOG_LEVEL: 'loud', FACEREC_WORKERS: '-2' }).split('\n').slice(1);
    expect(lines.map((l) => l.trim().split(':')[0]).sort()).toEqual(['FACEREC_WORKERS', 'LOG_LEVEL', 'PORT']);
  });
});
