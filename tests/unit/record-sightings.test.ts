/**
 * Recording one recognition answer's sightings: only named faces, one per person per answer,
 * after the caller has moved on, and a failure is counted and logged instead of thrown.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRegistry } from '@/lib/registry';
import type { Registry } from '@/lib/registry/registry';
import type { SightingsRepository } from '@/lib/registry/sightings';
import { namedPeople, recordSightings } from '@/lib/server/record-sightings';
import { MODEL } from '../registry/contract.case';
import { randomUnit, seededRng, template } from '../registry/vectors';

describe('recordSightings', () => {
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

  test('writes after the caller returns, one sighting per person per answer, extended by the next answer', async () => {
    const rng = seededRng(2);
    const { person } = await registry.addPerson({ name: 'Ada' }, [template(randomUnit(128, rng), MODEL)]);
    const outcomes: string[] = [];
    const ctx = { keyId: 'k1', onOutcome: (o: string) => outcomes.push(o), log: { warn: () => {} } };
    const faces = [{ match: { personId: person.id, similarity: 0.7 } }, { match: null }, { match: { personId: person.id, similarity: 0.75 } }];
    const first = recordSightings(registry.sightings, faces, { ...ctx, at: '2026-02-01T08:00:00.000Z' });
    expect(outcomes).toEqual([]); // nothing written before the caller moves on
    await first;
    await recordSightings(registry.sightings, faces, { ...ctx, at: '2026-02-01T08:00:00.400Z' });
    expect(outcomes).toEqual(['new', 'extended']);
    const { sightings } = await registry.sightings.list(person.id);
    expect(sightings.map((s) => [s.answers, s.bestSimilarity, s.keyId])).toEqual([[2, 0.75, 'k1']]);
  });

  test('a failing store is counted and logged, never thrown', async () => {
    const broken: Pick<SightingsRepository, 'record'> = {
      record: async () => {
        throw new Error('disk full');
      },
    };
    const outcomes: string[] = [];
    const warnings: object[] = [];
    await expect(
      recordSightings(broken, [{ match: { personId: '00000000-0000-4000-8000-000000000001', similarity: 0.7 } }], {
        keyId: null,
        at: '2026-02-01T08:00:00.000Z',
        onOutcome: (o) => outcomes.push(o),
        log: { warn: (obj) => warnings.push(obj) },
      }),
    ).resolves.toBeUndefined();
    expect(outcomes).toEqual(['failed']);
    expect(warnings).toHaveLength(1);
  });
});
