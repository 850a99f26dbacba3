/**
 * The in-memory index on its own: exact search against a brute-force reference after random
 * writes (both dot-product kernels), the approximate index against exact search, and keeping a
 * person in line with a database snapshot.
 */
import { randomUUID } from 'node:crypto';
import { SearchIndex } from '@/lib/registry/search-index';
import type { SearchHit } from '@/lib/registry/registry';
import { dot, probe, randomUnit, seededRng, type Rng } from './vectors';

interface Stored {
  personId: string;
  templateId: string;
  v: Float32Array;
}

/** Top k people by best template, computed the obvious way. */
function bruteForce(stored: Stored[], names: Map<string, string>, query: Float32Array, k: number, minSimilarity: number): SearchHit[] {
  const best = new Map<string, SearchHit>();
  for (const s of stored) {
    const similarity = dot(query, s.v);
    if (similarity < minSimilarity) continue;
    const held = best.get(s.personId);
    if (!held || similarity > held.similarity) best.set(s.personId, { personId: s.personId, name: names.get(s.personId) as string, templateId: s.templateId, similarity });
  }
  return [...best.values()].sort((a, b) => b.similarity - a.similarity).slice(0, k);
}

function expectSameHits(actual: SearchHit[], expected: SearchHit[]): void {
  expect(actual.map((h) => [h.personId, h.templateId, h.name])).toEqual(expected.map((h) => [h.personId, h.templateId, h.name]));
  actual.forEach((h, i) => expect(h.similarity).toBeCloseTo(expected[i].similarity, 5));
}

/**
 * Random adds and removals of people and templates, mirrored in `stored`; returns how many
 * removals the index did not recognise (one `expect` at the end: expect() is slow per call).
 */
function churn(index: SearchIndex, rng: Rng, dim: number, steps: number, stored: Stored[], names: Map<string, string>): number {
  let unrecognised = 0;
  const people: string[] = [...names.keys()];
  for (let step = 0; step < steps; step++) {
    const r = rng();
    if (r < 0.1 || people.length === 0) {
      const id = randomUUID();
      names.set(id, `p${step}`);
      people.push(id);
      index.upsertPerson(id, `p${step}`);
    } else if (r < 0.75) {
      const personId = people[Math.floor(rng() * people.length)];
      const s = { personId, templateId: randomUUID(), v: randomUnit(dim, rng) };
      index.addTemplate(personId, s.templateId, s.v);
      stored.push(s);
    } else if (r < 0.98 && stored.length > 0) {
      const [s] = stored.splice(Math.floor(rng() * stored.length), 1);
      if (!index.removeTemplate(s.personId, s.templateId)) unrecognised++;
    } else {
      const [personId] = people.splice(Math.floor(rng() * people.length), 1);
      names.delete(personId);
      const kept = stored.filter((s) => s.personId !== personId);
      stored.splice(0, stored.length, ...kept);
      if (!index.removePerson(personId)) unrecognised++;
    }
  }
  return unrecognised;
}

describe('search index: exact search', () => {
  test.each([
    ['WebAssembly SIMD', true],
    ['plain JS', false],
  ])('matches brute force after random writes (%s kernel)', (_kernel, useWasm) => {
    const dim = 72; // not a multiple of 16: rows are padded
    const rng = seededRng(useWasm ? 1 : 2);
    const index = new SearchIndex({ dim, useWasm, initialRows: 16 });
    expect(index.usesWasm).toBe(useWasm);
    const stored: Stored[] = [];
    const names = new Map<string, string>();
    // Enough rows for more than one kernel block (4096 rows each) and many growths from 16 rows.
    expect(churn(index, rng, dim, 15_000, stored, names)).toBe(0);
    expect(stored.length).toBeGreaterThan(4096);
    expect(index.size()).toEqual({ people: names.size, templates: stored.length, staleTemplates: 0 });
    for (let q = 0; q < 30; q++) {
      const query = q % 2 ? randomUnit(dim, rng) : probe(stored[Math.floor(rng() * stored.length)].v, 0.5, rng);
      const k = 1 + (q % 7);
      expectSameHits(index.search(query, k, -1), bruteForce(stored, names, query, k, -1));
      expectSameHits(index.search(query, 50, 0.2), bruteForce(stored, names, query, 50, 0.2));
    }
    index.dispose();
  });

  test('keeps a person in line with a database snapshot', () => {
    const rng = seededRng(3);
    const index = new SearchIndex({ dim: 16 });
    const personId = randomUUID();
    const [t1, t2, t3] = [randomUUID(), randomUUID(), randomUUID()];
    const [v1, v2, v3] = [randomUnit(16, rng), randomUnit(16, rng), randomUnit(16, rng)];
    index.upsertPerson(personId, 'Before');
    index.addTemplate(personId, t1, v1);
    index.addTemplate(personId, t2, v2);
    index.syncPerson(personId, { id: personId, name: 'After', templates: [{ id: t2, embedding: v2 }, { id: t3, embedding: v3 }], staleCount: 4 });
    expect([index.hasTemplate(personId, t1), index.hasTemplate(personId, t2), index.hasTemplate(personId, t3)]).toEqual([false, true, true]);
    expect(index.search(v3, 1, 0.99)[0]).toMatchObject({ personId, name: 'After', templateId: t3 });
    expect(index.size()).toEqual({ people: 1, templates: 2, staleTemplates: 4 });
    index.syncPerson(personId, null);
    expect(index.size()).toEqual({ people: 0, templates: 0, staleTemplates: 0 });
    expect(index.search(v3, 1, -1)).toEqual([]);
  });
});

describe('search index: approximate search', () => {
  const dim = 64;

  function build(rng: Rng, people: number, annMinTemplates: number) {
    const index = new SearchIndex({ dim, annMinTemplates });
    const exact = new SearchIndex({ dim });
    const stored: Stored[] = [];
    for (let p = 0; p < people; p++) {
      const personId = randomUUID();
      index.upsertPerson(personId, `p${p}`);
      exact.upsertPerson(personId, `p${p}`);
      for (let t = 0; t < 3; t++) {
        const s = { personId, templateId: randomUUID(), v: randomUnit(dim, rng) };
        index.addTemplate(personId, s.templateId, s.v);
        exact.addTemplate(personId, s.templateId, s.v);
        stored.push(s);
      }
    }
    return { index, exact, stored };
  }

  test('switches on above the threshold, builds in the background, and finds what exact search finds for probes', async () => {
    const rng = seededRng(4);
    const { index, exact, stored } = build(rng, 1000, 2000);
    expect(index.indexState()).toEqual({ kind: 'exact', building: true });
    await index.whenReady();
    expect(index.indexState()).toEqual({ kind: 'approximate', building: false });
    let agree = 0;
    const probes = 200;
    for (let q = 0; q < probes; q++) {
      const query = probe(stored[Math.floor(rng() * stored.length)].v, 0.5, rng);
      const [approximate] = index.search(query, 1, -1);
      const [truth] = exact.search(query, 1, -1);
      if (approximate.personId === truth.personId) {
        agree++;
        expect(approximate.similarity).toBeCloseTo(truth.similarity, 5); // re-scored exactly
      }
    }
    expect(agree / probes).toBeGreaterThanOrEqual(0.98);
    index.dispose();
    exact.dispose();
  });

  test('never returns removed templates or people, and takes new ones at once', async () => {
    const rng = seededRng(5);
    const { index, stored } = build(rng, 400, 100);
    await index.whenReady();
    const removedTemplates = stored.splice(0, 60);
    for (const s of removedTemplates) index.removeTemplate(s.personId, s.templateId);
    const removedPeople = new Set(stored.slice(0, 90).map((s) => s.personId));
    for (const personId of removedPeople) index.removePerson(personId);
    expect(index.indexState().kind).toBe('approximate');
    for (const s of removedTemplates) {
      expect(index.search(s.v, 10, 0.99).some((h) => h.templateId === s.templateId)).toBe(false);
    }
    for (const s of stored.slice(0, 90)) expect(index.search(s.v, 10, -1).some((h) => removedPeople.has(h.personId))).toBe(false);
    // Labels of removed templates are reused: the new vectors must be the ones found.
    const personId = stored[stored.length - 1].personId;
    for (let i = 0; i < 30; i++) {
      const v = randomUnit(dim, rng);
      const templateId = randomUUID();
      index.addTemplate(personId, templateId, v);
      expect(index.search(v, 1, 0.99)[0]?.templateId).toBe(templateId);
    }
    index.dispose();
  });

  test('switches off again when the index shrinks well below the threshold', async () => {
    const rng = seededRng(6);
    const { index, stored } = build(rng, 50, 120);
    await index.whenReady();
    expect(index.indexState().kind).toBe('approximate');
    for (const s of stored.splice(0, 10)) index.removeTemplate(s.personId, s.templateId); // 140 left: still on
    expect(index.indexState().kind).toBe('approximate');
    for (const s of stored.splice(0, 40)) index.removeTemplate(s.personId, s.templateId); // 100 left: below 90% of 120
    expect(index.indexState()).toEqual({ kind: 'exact', building: false });
    expect(index.search(stored[0].v, 1, 0.99)[0]?.templateId).toBe(stored[0].templateId);
    index.dispose();
  });
});
