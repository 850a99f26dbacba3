/**
 * Writing recognition answers' sightings: only named faces, one per person per answer, gathered
 * in memory and written as one span per key and person, never on the answer's path, and a
 * failure is counted and logged instead of thrown.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRegistry } from '@/lib/registry';
import type { Registry } from '@/lib/registry/registry';
import type { SightingObservation, SightingsRepository } from '@/lib/registry/sightings';
import { namedPeople, SightingsWriter, type SightingOutcome } from '@/lib/server/sightings-writer';
import { MODEL } from '../registry/contract.case';
import { randomUnit, seededRng, template } from '../registry/vectors';

const at = (ms: number) => new Date(Date.parse('2026-02-01T08:00:00.000Z') + ms).toISOString();
const quiet = { warn: () => {} };

describe('SightingsWriter', () => {
  let dataDir: string;
  let registry: Registry;

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facerec-record-'));
    registry = await createRegistry({ dataDir, modelId: MODEL, dim: 128 });
  });
  afterEach(async () => {
    await registry.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('keeps the best similarity per person named, clamped to 1, and ignores unknown faces', () => {
    const named = namedPeople([
      { match: { personId: 'a', similarity: 0.6 } },
      { match: null },
      { match: { personId: 'a', similarity: 0.8 } },
      { match: { personId: 'b', similarity: 1.0000001 } },
    ]);
    expect(Object.fromEntries(named)).toEqual({ a: 0.8, b: 1 });
  });

  test('gathers many answers into one write per key and person: first and last time, count, best similarity', async () => {
    const rng = seededRng(2);
    const { person: ada } = await registry.addPerson({ name: 'Ada' }, [template(randomUnit(128, rng), MODEL)]);
    const { person: alan } = await registry.addPerson({ name: 'Alan' }, [template(randomUnit(128, rng), MODEL)]);
    const writes: SightingObservation[] = [];
    const outcomes: SightingOutcome[] = [];
    const counting: Pick<SightingsRepository, 'record'> = {
      record: (o) => {
        writes.push({ ...o });
        return registry.sightings.record(o);
      },
    };
    // A long interval: only flush() writes here, so nothing depends on the clock.
    const writer = new SightingsWriter(counting, { flushMs: 60_000, onOutcome: (o) => outcomes.push(o), log: quiet });
    for (let i = 0; i < 10; i++) {
      // Ada twice in the frame (one sighting), Alan, and an unknown face; a second key sees Ada too.
      writer.observe([{ match: { personId: ada.id, similarity: 0.6 + i / 100 } }, { match: { personId: ada.id, similarity: 0.5 } }, { match: null }, { match: { personId: alan.id, similarity: 0.7 } }], { keyId: 'k1', at: at(i * 100) });
      writer.observe([{ match: { personId: ada.id, similarity: 0.65 } }], { keyId: null, at: at(i * 100 + 50) });
    }
    expect(writes).toEqual([]); // nothing written while gathering
    await writer.flush();
    expect(writes).toHaveLength(3);
    expect(outcomes).toEqual(['new', 'new', 'new']);
    const [k1, publicCaller] = [(s: { keyId: string | null }) => s.keyId === 'k1', (s: { keyId: string | null }) => s.keyId === null];
    const adaRows = (await registry.sightings.list(ada.id)).sightings;
    expect(adaRows.filter(k1).map((s) => [s.firstSeenAt, s.lastSeenAt, s.answers, s.bestSimilarity])).toEqual([[at(0), at(900), 10, 0.69]]);
    expect(adaRows.filter(publicCaller).map((s) => [s.firstSeenAt, s.lastSeenAt, s.answers])).toEqual([[at(50), at(950), 10]]);
    expect((await registry.sightings.list(alan.id)).sightings.map((s) => s.answers)).toEqual([10]);

    // The next second's answers extend the same sightings.
    writer.observe([{ match: { personId: ada.id, similarity: 0.9 } }], { keyId: 'k1', at: at(1_500) });
    await writer.flush();
    expect(outcomes.slice(3)).toEqual(['extended']);
    const [row] = (await registry.sightings.list(ada.id)).sightings.filter(k1);
    expect([row.lastSeenAt, row.answers, row.bestSimilarity]).toEqual([at(1_500), 11, 0.9]);
    await writer.flush(); // nothing pending: nothing written
    expect(writes).toHaveLength(4);
  });

  test('writes on its own within the interval', async () => {
    const rng = seededRng(3);
    const { person } = await registry.addPerson({ name: 'Ada' }, [template(randomUnit(128, rng), MODEL)]);
    const written = new Promise<SightingOutcome>((resolve) => {
      const writer = new SightingsWriter(registry.sightings, { flushMs: 10, onOutcome: resolve, log: quiet });
      writer.observe([{ match: { personId: person.id, similarity: 0.7 } }], { keyId: 'k1', at: at(0) });
    });
    expect(await written).toBe('new');
    expect((await registry.sightings.list(person.id)).sightings).toHaveLength(1);
  });

  test('a failing store is counted and logged, never thrown, and the next write still happens', async () => {
    let calls = 0;
    const flaky: Pick<SightingsRepository, 'record'> = {
      record: async () => {
        if (calls++ === 0) throw new Error('disk full');
        return 'new';
      },
    };
    const outcomes: SightingOutcome[] = [];
    const warnings: object[] = [];
    const writer = new SightingsWriter(flaky, { flushMs: 60_000, onOutcome: (o) => outcomes.push(o), log: { warn: (obj) => warnings.push(obj) } });
    const face = [{ match: { personId: '00000000-0000-4000-8000-000000000001', similarity: 0.7 } }];
    writer.observe(face, { keyId: null, at: at(0) });
    await expect(writer.flush()).resolves.toBeUndefined();
    writer.observe(face, { keyId: null, at: at(100) });
    await writer.flush();
    expect(outcomes).toEqual(['failed', 'new']);
    expect(warnings).toHaveLength(1);
  });
});
