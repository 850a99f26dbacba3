/**
 * Sightings on a real PostgreSQL server started by this file: the shared sightings contract,
 * then what only a shared database has to get right: two instances recording one track at once.
 */
import { createRegistry } from '@/lib/registry';
import type { Registry } from '@/lib/registry/registry';
import { startPostgres, type PostgresServer } from '../helpers/postgres';
import { MODEL } from './contract.case';
import { runSightingsContract, type SightingsHarness } from './sightings.case';
import { randomUnit, seededRng, template } from './vectors';

let server: PostgresServer;

beforeAll(async () => {
  server = await startPostgres();
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

async function postgresHarness(): Promise<SightingsHarness> {
  const url = await server.createDatabase();
  const opened: Registry[] = [];
  return {
    async open(opts = {}) {
      const registry = await createRegistry({ databaseUrl: url, modelId: opts.modelId ?? MODEL, dim: opts.dim ?? 128 });
      opened.push(registry);
      return registry;
    },
    async cleanup() {
      for (const r of opened) await r.close();
    },
  };
}

runSightingsContract('PostgreSQL', postgresHarness);

describe('PostgreSQL sightings shared by several instances', () => {
  test('answers of one track recorded by two instances at once make one sighting', async () => {
    const url = await server.createDatabase();
    const a = await createRegistry({ databaseUrl: url, modelId: MODEL, dim: 128 });
    const b = await createRegistry({ databaseUrl: url, modelId: MODEL, dim: 128 });
    try {
      const { person } = await a.addPerson({ name: 'Shared' }, [template(randomUnit(128, seededRng(9)), MODEL)]);
      const t0 = Date.parse('2026-03-01T12:00:00.000Z');
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? a : b).sightings.record({ personId: person.id, keyId: 'k1', similarity: 0.5 + i / 100, at: new Date(t0 + i * 100).toISOString() }),
        ),
      );
      expect(outcomes.filter((o) => o === 'new')).toHaveLength(1);
      const { sightings } = await b.sightings.list(person.id);
      expect(sightings).toHaveLength(1);
      expect(sightings[0].answers).toBe(10);
      expect(sightings[0].bestSimilarity).toBeCloseTo(0.59, 10);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
