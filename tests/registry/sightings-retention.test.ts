/**
 * The retention schedule of sightings on a real SQLite registry, with an injected clock:
 * purges at start, again when asked (as the hourly timer does), and stops when the registry closes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRegistry } from '@/lib/registry';
import type { Registry } from '@/lib/registry/registry';
import { startSightingsRetention } from '@/lib/registry/sightings-retention';
import { MODEL } from './contract.case';
import { randomUnit, seededRng, template } from './vectors';

const DAY = 86_400_000;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const day = (n: number) => new Date(T0 + n * DAY).toISOString();

describe('sightings retention', () => {
  let dataDir: string;
  let registry: Registry;
  const logged: { level: string; obj: object }[] = [];
  const log = { info: (obj: object) => logged.push({ level: 'info', obj }), warn: (obj: object) => logged.push({ level: 'warn', obj }) };

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facerec-retention-'));
    registry = await createRegistry({ dataDir, modelId: MODEL, dim: 128 });
    logged.length = 0;
  });
  afterEach(async () => {
    await registry.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('purges sightings older than the retention at start and on each later run', async () => {
    const { person } = await registry.addPerson({ name: 'Ada' }, [template(randomUnit(128, seededRng(1)), MODEL)]);
    for (const d of [0, 20, 40]) await registry.sightings.record({ personId: person.id, keyId: 'k1', similarity: 0.7, at: day(d) });
    let now = T0 + 45 * DAY;
    const retention = startSightingsRetention(registry.sightings, { retentionDays: 30, log, nowMs: () => now });
    try {
      expect(await retention.first).toBe(1);
      expect((await registry.sightings.list(person.id)).sightings.map((s) => s.firstSeenAt)).toEqual([day(40), day(20)]);
      now = T0 + 51 * DAY;
      expect(await retention.purgeNow()).toBe(1);
      expect((await registry.sightings.list(person.id)).sightings.map((s) => s.firstSeenAt)).toEqual([day(40)]);
      expect(logged.filter((l) => l.level === 'info')).toHaveLength(2);
    } finally {
      retention.stop();
    }
  });

  test('runs on its timer and stops quietly once the registry is closed', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    try {
      const purged: number[] = [];
      const repo = registry.sightings;
      const spy = {
        purgeBefore: async (cutoff: string) => {
          const n = await repo.purgeBefore(cutoff);
          purged.push(n);
          return n;
        },
      };
      const retention = startSightingsRetention(spy, { retentionDays: 1, log, nowMs: () => T0, intervalMs: 1_000 });
      await retention.first;
      await jest.advanceTimersByTimeAsync(2_500);
      expect(purged).toHaveLength(3);
      await registry.close();
      await jest.advanceTimersByTimeAsync(1_000);
      await jest.advanceTimersByTimeAsync(5_000);
      // Closed: the run after closing ended the schedule, without a warning.
      expect(purged).toHaveLength(3);
      expect(jest.getTimerCount()).toBe(0);
      expect(logged.filter((l) => l.level === 'warn')).toEqual([]);
    } finally {
      jest.useRealTimers();
    }
  });
});
