import { call } from '../helpers/http';
import { readDataset } from '../helpers/datasets';
import { startServer, type RunningServer } from '../helpers/server';

describe('rate limits and backpressure', () => {
  let server: RunningServer;
  beforeAll(async () => {
    // 30 requests per minute with a burst of 5; one worker and no queue: a second concurrent
    // inference is refused at once.
    server = await startServer({ env: { FACEREC_RATE_LIMIT_PER_MINUTE: '30', FACEREC_MAX_QUEUE: '0', FACEREC_PUBLIC_RECOGNITION: 'true' } });
  });
  afterAll(() => server?.stop());

  it('answers 503 overloaded with Retry-After when the inference queue is full, and serves health meanwhile', async () => {
    const frame = readDataset('multi-face', 'images', 'human_group-1.jpg');
    const burst = Array.from({ length: 3 }, () => call(server.url, 'POST', '/detect', { key: server.adminKey, body: frame, contentType: 'image/jpeg' }));
    const health = await call(server.url, 'GET', '/health');
    expect(health.status).toBe(200);
    const results = await Promise.all(burst);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toContain(200);
    const overloaded = results.filter((r) => r.status === 503);
    expect(overloaded.length).toBeGreaterThan(0);
    expect(overloaded[0].body.error.code).toBe('overloaded');
    expect(Number(overloaded[0].headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('answers 429 with Retry-After past the per-client rate', async () => {
    // Anonymous calls are limited per address; the admin key above has its own bucket.
    const results = [];
    for (let i = 0; i < 8; i++) results.push(await call(server.url, 'GET', '/info'));
    const limited = results.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0].body.error.code).toBe('rate_limited');
    expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Another client (a key) is not affected.
    expect((await call(server.url, 'GET', '/info', { key: server.adminKey })).status).toBe(200);
  });
});
