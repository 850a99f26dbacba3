/**
 * What every backend's sightings repository must do, run by sightings.sqlite.test.ts and
 * sightings.postgres.test.ts with their harness. Times are given, never read from the clock.
 */
import { SIGHTING_MERGE_WINDOW_MS } from '@/lib/registry/sightings';
import type { Registry } from '@/lib/registry/registry';
import { expectRegistryError, MODEL, type RegistryHarness } from './contract.case';
import { randomUnit, seededRng, template } from './vectors';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

/** Only opening and cleaning up: sightings are read back through the repository itself. */
export type SightingsHarness = Pick<RegistryHarness, 'open' | 'cleanup'>;

export function runSightingsContract(backend: string, newHarness: () => Promise<SightingsHarness>): void {
  describe(`${backend} sightings`, () => {
    let h: SightingsHarness;
    let registry: Registry;
    const rng = seededRng(3);

    beforeEach(async () => {
      h = await newHarness();
      registry = await h.open();
    });
    afterEach(async () => {
      await h.cleanup();
    });

    async function person(name: string): Promise<string> {
      return (await registry.addPerson({ name }, [template(randomUnit(128, rng), MODEL)])).person.id;
    }

    test('merges one key\'s answers naming one person within the window into one sighting', async () => {
      const ada = await person('Ada');
      const s = registry.sightings;
      expect(await s.record({ personId: ada, keyId: 'k1', similarity: 0.7, at: at(0) })).toBe('new');
      expect(await s.record({ personId: ada, keyId: 'k1', similarity: 0.9, at: at(4_000) })).toBe('extended');
      // Each answer extends the window: a track longer than the window stays one sighting.
      expect(await s.record({ personId: ada, keyId: 'k1', similarity: 0.8, at: at(4_000 + SIGHTING_MERGE_WINDOW_MS) })).toBe('extended');
      const { sightings, next } = await s.list(ada);
      expect(next).toBeNull();
      expect(sightings).toEqual([
        {
          id: expect.any(String),
          personId: ada,
          keyId: 'k1',
          firstSeenAt: at(0),
          lastSeenAt: at(4_000 + SIGHTING_MERGE_WINDOW_MS),
          bestSimilarity: 0.9,
          answers: 3,
        },
      ]);
    });

    test('starts a new sighting after a gap longer than the window, for another key, or another person', async () => {
      const [ada, alan] = [await person('Ada'), await person('Alan')];
      const s = registry.sightings;
      await s.record({ personId: ada, keyId: 'k1', similarity: 0.7, at: at(0) });
      expect(await s.record({ personId: ada, keyId: 'k1', similarity: 0.7, at: at(SIGHTING_MERGE_WINDOW_MS + 1) })).toBe('new');
      expect(await s.record({ personId: ada, keyId: 'k2', similarity: 0.7, at: at(SIGHTING_MERGE_WINDOW_MS + 2) })).toBe('new');
      expect(await s.record({ personId: alan, keyId: 'k1', similarity: 0.7, at: at(SIGHTING_MERGE_WINDOW_MS + 3) })).toBe('new');
      // No key (public recognition) is a caller of its own, merged with itself only.
      expect(await s.record({ personId: ada, keyId: null, similarity: 0.6, at: at(SIGHTING_MERGE_WINDOW_MS + 4) })).toBe('new');
      expect(await s.record({ personId: ada, keyId: null, similarity: 0.6, at: at(SIGHTING_MERGE_WINDOW_MS + 5) })).toBe('extended');
      const { sightings } = await s.list(ada);
      expect(sightings.map((x) => [x.keyId, x.firstSeenAt, x.answers])).toEqual([
        [null, at(SIGHTING_MERGE_WINDOW_MS + 4), 2],
        ['k2', at(SIGHTING_MERGE_WINDOW_MS + 2), 1],
        ['k1', at(SIGHTING_MERGE_WINDOW_MS + 1), 1],
        ['k1', at(0), 1],
      ]);
      expect((await s.list(alan)).sightings).toHaveLength(1);
    });

    test('an answer that arrives late (out of order) extends the sighting backwards', async () => {
      const ada = await person('Ada');
      const s = registry.sightings;
      await s.record({ personId: ada, keyId: 'k1', similarity: 0.7, at: at(5_000) });
      expect(await s.record({ personId: ada, keyId: 'k1', similarity: 0.6, at: at(3_000) })).toBe('extended');
      const [only] = (await s.list(ada)).sightings;
      expect([only.firstSeenAt, only.lastSeenAt, only.bestSimilarity]).toEqual([at(3_000), at(5_000), 0.7]);
    });

    test('records several answers gathered in memory as one span: first and last time, count, best similarity', async () => {
      const ada = await person('Ada');
      const s = registry.sightings;
      expect(await s.record({ personId: ada, keyId: 'k1', similarity: 0.7, since: at(0), at: at(900), answers: 6 })).toBe('new');
      // The next span starts within the window of the last one's end (not of its start): extended.
      const later = 900 + SIGHTING_MERGE_WINDOW_MS;
      expect(await s.record({ personId: ada, keyId: 'k1', similarity: 0.8, since: at(later), at: at(later + 1_000), answers: 4 })).toBe('extended');
      // A span after a gap longer than the window is a new visit.
      const gap = later + 1_000 + SIGHTING_MERGE_WINDOW_MS + 1;
      expect(await s.record({ personId: ada, keyId: 'k1', similarity: 0.6, since: at(gap), at: at(gap + 500), answers: 2 })).toBe('new');
      const { sightings } = await s.list(ada);
      expect(sightings.map((x) => [x.firstSeenAt, x.lastSeenAt, x.answers, x.bestSimilarity])).toEqual([
        [at(gap), at(gap + 500), 2, 0.6],
        [at(0), at(later + 1_000), 10, 0.8],
      ]);
      await expectRegistryError(s.record({ personId: ada, keyId: 'k1', similarity: 0.5, since: at(10), at: at(0) }), 'invalid_input');
      await expectRegistryError(s.record({ personId: ada, keyId: 'k1', similarity: 0.5, at: at(0), answers: 0 }), 'invalid_input');
      await expectRegistryError(s.record({ personId: ada, keyId: 'k1', similarity: 0.5, at: at(0), answers: 1.5 }), 'invalid_input');
    });

    test('pages newest first with a cursor, and refuses a cursor it did not issue', async () => {
      const ada = await person('Ada');
      for (let i = 0; i < 5; i++) await registry.sightings.record({ personId: ada, keyId: 'k1', similarity: 0.7, at: at(i * 60_000) });
      const first = await registry.sightings.list(ada, { limit: 2 });
      expect(first.sightings.map((x) => x.firstSeenAt)).toEqual([at(240_000), at(180_000)]);
      const second = await registry.sightings.list(ada, { limit: 2, cursor: first.next });
      expect(second.sightings.map((x) => x.firstSeenAt)).toEqual([at(120_000), at(60_000)]);
      const third = await registry.sightings.list(ada, { limit: 2, cursor: second.next });
      expect(third.sightings.map((x) => x.firstSeenAt)).toEqual([at(0)]);
      expect(third.next).toBeNull();
      await expectRegistryError(registry.sightings.list(ada, { cursor: 'bm9wZQ' }), 'invalid_input');
      await expectRegistryError(registry.sightings.list(ada, { limit: 0 }), 'invalid_input');
    });

    test('tells each person\'s last sighting', async () => {
      const [ada, alan, grace] = [await person('Ada'), await person('Alan'), await person('Grace')];
      await registry.sightings.record({ personId: ada, keyId: 'k1', similarity: 0.7, at: at(0) });
      await registry.sightings.record({ personId: ada, keyId: 'k2', similarity: 0.7, at: at(90_000) });
      await registry.sightings.record({ personId: alan, keyId: 'k1', similarity: 0.7, at: at(30_000) });
      const last = await registry.sightings.lastSeen([ada, alan, grace]);
      expect(Object.fromEntries(last)).toEqual({ [ada]: at(90_000), [alan]: at(30_000) });
    });

    test('refuses bad observations and writes nothing for a person deleted meanwhile', async () => {
      const ada = await person('Ada');
      await expectRegistryError(registry.sightings.record({ personId: ada, keyId: 'k1', similarity: 2, at: at(0) }), 'invalid_input');
      await expectRegistryError(registry.sightings.record({ personId: ada, keyId: 'k1', similarity: 0.5, at: 'yesterday' }), 'invalid_input');
      await expectRegistryError(registry.sightings.record({ personId: 'not-a-uuid', keyId: 'k1', similarity: 0.5, at: at(0) }), 'invalid_input');
      await registry.deletePerson(ada);
      expect(await registry.sightings.record({ personId: ada, keyId: 'k1', similarity: 0.5, at: at(0) })).toBe('gone');
      expect((await registry.sightings.list(ada)).sightings).toEqual([]);
    });

    test('erasing a person erases their sightings and nobody else\'s', async () => {
      const [ada, alan] = [await person('Ada'), await person('Alan')];
      await registry.sightings.record({ personId: ada, keyId: 'k1', similarity: 0.7, at: at(0) });
      await registry.sightings.record({ personId: alan, keyId: 'k1', similarity: 0.7, at: at(0) });
      await registry.deletePerson(ada);
      expect((await registry.sightings.list(ada)).sightings).toEqual([]);
      expect(await registry.sightings.lastSeen([ada, alan])).toEqual(new Map([[alan, at(0)]]));
    });

    test('purges sightings last seen before the cutoff, and only those', async () => {
      const ada = await person('Ada');
      const day = 86_400_000;
      await registry.sightings.record({ personId: ada, keyId: 'k1', similarity: 0.7, at: at(0) });
      await registry.sightings.record({ personId: ada, keyId: 'k1', similarity: 0.7, at: at(2 * day) });
      // Last seen at the cutoff itself stays: "older than" is strict.
      await registry.sightings.record({ personId: ada, keyId: 'k1', similarity: 0.7, at: at(day) });
      expect(await registry.sightings.purgeBefore(at(day))).toBe(1);
      expect((await registry.sightings.list(ada)).sightings.map((x) => x.firstSeenAt)).toEqual([at(2 * day), at(day)]);
      expect(await registry.sightings.purgeBefore(at(day))).toBe(0);
    });

    test('keeps sightings across reopening the registry, and refuses calls once closed', async () => {
      const ada = await person('Ada');
      await registry.sightings.record({ personId: ada, keyId: 'k1', similarity: 0.7, at: at(0) });
      const closed = registry;
      await closed.close();
      await expectRegistryError(closed.sightings.list(ada), 'closed');
      registry = await h.open();
      expect((await registry.sightings.list(ada)).sightings).toHaveLength(1);
    });
  });
}
