/**
 * The behaviour every Registry backend must have, as one suite that each backend's test file
 * runs with its own harness (the pattern of Hono's `common.case.test.ts`).
 */
import { randomUUID } from 'node:crypto';
import { isRegistryError, type Registry, type RegistryErrorCode } from '@/lib/registry/registry';
import { dot, fakeJpeg, probe, randomUnit, seededRng, template } from './vectors';

export const MODEL = 'test-model-v1';
export const OTHER_MODEL = 'test-model-v2';

export interface OpenOptions {
  modelId?: string;
  dim?: number;
  keepCrops?: boolean;
  annMinTemplates?: number;
}

/** A row of the key store's own table before migration 2 (every column text). */
export interface LegacyKeyRow {
  id: string;
  name: string;
  role: string;
  hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** One empty database for one test. */
export interface RegistryHarness {
  /** Opens a registry on this harness's database (default: MODEL, dim 128, crops not kept, exact search only). */
  open(opts?: OpenOptions): Promise<Registry>;
  /** Writes a schema version above any this code knows, as a newer facerec would. */
  bumpSchemaVersion(): Promise<void>;
  /** Rows in the database, read past the registry. */
  countRows(): Promise<{ people: number; templates: number; crops: number }>;
  /** Tries to rewrite every audit entry past the registry, with plain SQL (the trail must refuse). */
  rewriteAudit(): Promise<void>;
  /**
   * Before the first open: makes the database one at schema version 1 holding the table the
   * key store kept before migration 2 (`api_keys`), with these rows.
   */
  seedLegacyKeys(rows: LegacyKeyRow[]): Promise<void>;
  /** Closes every registry it opened and removes the database. */
  cleanup(): Promise<void>;
}

export async function expectRegistryError(work: Promise<unknown> | (() => unknown), code: RegistryErrorCode): Promise<Error> {
  let error: unknown = null;
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (e) {
    error = e;
  }
  if (!isRegistryError(error)) throw new Error(`expected RegistryError '${code}', got ${error === null ? 'success' : String(error)}`);
  expect(error.code).toBe(code);
  return error;
}

async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

export function runRegistryContract(backend: string, newHarness: () => Promise<RegistryHarness>): void {
  describe(`${backend} registry (shared contract)`, () => {
    const dim = 128;
    let h: RegistryHarness;
    let registry: Registry;
    const rng = seededRng(42);

    beforeEach(async () => {
      h = await newHarness();
      registry = await h.open();
    });
    afterEach(async () => {
      await h.cleanup();
    });

    async function expectNothingWritten(): Promise<void> {
      expect(await h.countRows()).toEqual({ people: 0, templates: 0, crops: 0 });
      expect(registry.size()).toEqual({ people: 0, templates: 0, staleTemplates: 0 });
    }

    test('enrolls a person with several templates and finds them by search', async () => {
      const [v1, v2] = [randomUnit(dim, rng), randomUnit(dim, rng)];
      const { person, templates } = await registry.addPerson({ name: 'Ada Lovelace', externalId: 'emp-1', metadata: { team: 'math' } }, [
        template(v1, MODEL),
        template(v2, MODEL, { source: 'upload', quality: 0.5 }),
      ]);
      expect(person).toMatchObject({ name: 'Ada Lovelace', externalId: 'emp-1', metadata: { team: 'math' }, templateCount: 2 });
      expect(templates.map((t) => [t.personId, t.modelId, t.source, t.quality, t.hasCrop])).toEqual([
        [person.id, MODEL, 'camera', 0.8, false],
        [person.id, MODEL, 'upload', 0.5, false],
      ]);
      const hits = registry.search(probe(v2, 0.3, rng), 5, 0.5);
      expect(hits).toHaveLength(1);
      expect(hits[0]).toMatchObject({ personId: person.id, name: 'Ada Lovelace', templateId: templates[1].id });
      expect(hits[0].similarity).toBeGreaterThan(0.9);
      expect(registry.size()).toEqual({ people: 1, templates: 2, staleTemplates: 0 });
      expect(await h.countRows()).toEqual({ people: 1, templates: 2, crops: 0 });
    });

    test('returns the top k people, each once with their best template, best first', async () => {
      const stored: { personId: string; templateId: string; v: Float32Array }[] = [];
      for (let p = 0; p < 8; p++) {
        const vs = [0, 1, 2].map(() => randomUnit(dim, rng));
        const { person, templates } = await registry.addPerson({ name: `person ${p}` }, vs.map((v) => template(v, MODEL)));
        templates.forEach((t, i) => stored.push({ personId: person.id, templateId: t.id, v: vs[i] }));
      }
      const query = probe(stored[10].v, 0.5, rng);
      const best = new Map<string, { templateId: string; similarity: number }>();
      for (const s of stored) {
        const similarity = dot(query, s.v);
        if ((best.get(s.personId)?.similarity ?? -2) < similarity) best.set(s.personId, { templateId: s.templateId, similarity });
      }
      const expected = [...best.entries()].sort((a, b) => b[1].similarity - a[1].similarity).slice(0, 3);
      const hits = registry.search(query, 3, -1);
      expect(hits.map((x) => [x.personId, x.templateId])).toEqual(expected.map(([personId, b]) => [personId, b.templateId]));
      hits.forEach((x, i) => expect(x.similarity).toBeCloseTo(expected[i][1].similarity, 5));
      expect(hits[0].personId).toBe(stored[10].personId);
    });

    test('answers a search for every person at once, and scores one person for verification', async () => {
      const people: { id: string; v: Float32Array; templateId: string }[] = [];
      for (let p = 0; p < 40; p++) {
        const v = randomUnit(dim, rng);
        const { person, templates } = await registry.addPerson({ name: `everyone ${p}` }, [template(v, MODEL), template(randomUnit(dim, rng), MODEL)]);
        people.push({ id: person.id, v, templateId: templates[0].id });
      }
      const { person: empty } = await registry.addPerson({ name: 'No Templates' });
      const query = probe(people[7].v, 0.4, rng);
      const all = registry.search(query, registry.size().people, -1);
      expect(all).toHaveLength(40);
      expect(new Set(all.map((x) => x.personId)).size).toBe(40);
      expect(all[0].personId).toBe(people[7].id);
      for (let i = 1; i < all.length; i++) expect(all[i - 1].similarity).toBeGreaterThanOrEqual(all[i].similarity);
      expect(registry.search(query, 5, -1)).toEqual(all.slice(0, 5));
      expect(registry.search(query, 0, -1)).toEqual([]);
      for (const p of [people[7], people[20]]) {
        const scored = registry.scorePerson(p.id, query);
        const found = all.find((x) => x.personId === p.id);
        expect(scored).toMatchObject({ personId: found?.personId, name: found?.name, templateId: found?.templateId });
        expect(scored?.similarity).toBeCloseTo(found?.similarity as number, 5);
      }
      expect(registry.scorePerson(empty.id, query)).toBeNull();
      await expectRegistryError(() => registry.scorePerson(randomUUID(), query), 'not_found');
    });

    test('leaves out people below minSimilarity', async () => {
      const v = randomUnit(dim, rng);
      const { person } = await registry.addPerson({ name: 'Only' }, [template(v, MODEL)]);
      await registry.addPerson({ name: 'Other' }, [template(randomUnit(dim, rng), MODEL)]);
      expect(registry.search(v, 10, 0.99).map((x) => x.personId)).toEqual([person.id]);
      expect(registry.search(randomUnit(dim, rng), 10, 0.9)).toEqual([]);
    });

    test('scores people by the centroid of their templates, following adds, removals and deletes', async () => {
      const [a, b, c] = [randomUnit(dim, rng), randomUnit(dim, rng), randomUnit(dim, rng)];
      const centroid = (vs: Float32Array[]) => {
        const sum = new Float32Array(dim);
        for (const v of vs) for (let j = 0; j < dim; j++) sum[j] += v[j];
        const n = Math.sqrt(dot(sum, sum));
        return sum.map((x) => x / n);
      };
      const { person: two } = await registry.addPerson({ name: 'Two Photos' }, [template(a, MODEL), template(b, MODEL)]);
      const { person: one } = await registry.addPerson({ name: 'One Photo' }, [template(c, MODEL)]);
      await registry.addPerson({ name: 'No Photo' });
      const query = probe(a, 0.3, rng);
      const hits = registry.searchPeople(query, 10);
      // Everyone with a template, once, best first; the centroid, not the best template.
      expect(hits.map((x) => x.personId).sort()).toEqual([two.id, one.id].sort());
      expect(hits[0].similarity).toBeGreaterThanOrEqual(hits[1].similarity);
      const twoHit = hits.find((x) => x.personId === two.id)!;
      expect(twoHit).toMatchObject({ name: 'Two Photos', templates: 2 });
      expect(twoHit.similarity).toBeCloseTo(dot(query, centroid([a, b])) / Math.sqrt(dot(query, query)), 5);
      expect(registry.searchPeople(query, 1)).toHaveLength(1);
      expect(registry.searchPeople(query, 0)).toEqual([]);

      const added = await registry.addTemplates(one.id, [template(a, MODEL)]);
      expect(registry.searchPeople(a, 10).find((x) => x.personId === one.id)).toMatchObject({ templates: 2 });
      expect(registry.searchPeople(a, 10).find((x) => x.personId === one.id)!.similarity).toBeCloseTo(dot(a, centroid([a, c])), 5);
      await registry.removeTemplate(one.id, added[0].id);
      expect(registry.searchPeople(c, 10).find((x) => x.personId === one.id)).toMatchObject({ templates: 1 });
      expect(registry.searchPeople(c, 10).find((x) => x.personId === one.id)!.similarity).toBeCloseTo(1, 5);
      expect(registry.searchablePeople()).toBe(2); // 'No Photo' cannot be found, so does not count
      await registry.deletePerson(two.id);
      expect(registry.searchPeople(a, 10).map((x) => x.personId)).toEqual([one.id]);
      expect(registry.searchablePeople()).toBe(1);
      await registry.removeTemplate(one.id, (await registry.getPerson(one.id)).templates[0].id);
      expect(registry.searchablePeople()).toBe(0);
      expect(registry.size().people).toBe(2);
    });

    test('normalises embeddings defensively on insert', async () => {
      const v = randomUnit(dim, rng);
      await registry.addPerson({ name: 'Scaled' }, [template(v.map((x) => x * 3.5), MODEL)]);
      expect(registry.search(v, 1, 0)[0].similarity).toBeCloseTo(1, 5);
    });

    test('keeps people, templates and search results across a reopen', async () => {
      const v = randomUnit(dim, rng);
      const { person } = await registry.addPerson({ name: 'Persistent', metadata: { a: [1, 'two', { three: null }] } }, [template(v, MODEL)]);
      const before = await registry.getPerson(person.id);
      await registry.close();
      const reopened = await h.open();
      expect(await reopened.getPerson(person.id)).toEqual(before);
      expect(reopened.search(v, 1, 0.99)[0]).toMatchObject({ personId: person.id, templateId: before.templates[0].id });
      expect(reopened.size()).toEqual({ people: 1, templates: 1, staleTemplates: 0 });
    });

    test('rejects an embedding of the wrong length and writes nothing', async () => {
      await expectRegistryError(registry.addPerson({ name: 'Short' }, [template(randomUnit(dim - 1, rng), MODEL)]), 'invalid_input');
      await expectRegistryError(registry.addPerson({ name: 'Long' }, [template(randomUnit(512, rng), MODEL)]), 'invalid_input');
      await expectNothingWritten();
    });

    test('rejects NaN, Infinity and all-zero embeddings and writes nothing', async () => {
      for (const bad of [NaN, Infinity, -Infinity]) {
        const v = randomUnit(dim, rng);
        v[7] = bad;
        await expectRegistryError(registry.addPerson({ name: 'Bad' }, [template(v, MODEL)]), 'invalid_input');
      }
      await expectRegistryError(registry.addPerson({ name: 'Zero' }, [template(new Float32Array(dim), MODEL)]), 'invalid_input');
      await expectRegistryError(registry.addPerson({ name: 'Array' }, [template(Array.from(randomUnit(dim, rng)) as unknown as Float32Array, MODEL)]), 'invalid_input');
      await expectNothingWritten();
    });

    test('rejects bad template fields and templates of another model, writing nothing', async () => {
      const v = () => randomUnit(dim, rng);
      const cases = [
        template(v(), OTHER_MODEL),
        template(v(), MODEL, { quality: 1.5 }),
        template(v(), MODEL, { quality: NaN }),
        template(v(), MODEL, { source: 'webcam' as 'camera' }),
        template(v(), MODEL, { crop: new Uint8Array([1, 2, 3, 4]) }),
      ];
      for (const bad of cases) await expectRegistryError(registry.addPerson({ name: 'Bad' }, [template(v(), MODEL), bad]), 'invalid_input');
      await expectNothingWritten();
    });

    test('adds templates all or none', async () => {
      const { person } = await registry.addPerson({ name: 'Grace' }, [template(randomUnit(dim, rng), MODEL)]);
      const good = randomUnit(dim, rng);
      const bad = randomUnit(dim, rng);
      bad[0] = NaN;
      await expectRegistryError(registry.addTemplates(person.id, [template(good, MODEL), template(bad, MODEL)]), 'invalid_input');
      expect((await registry.getPerson(person.id)).templates).toHaveLength(1);
      expect(registry.search(good, 1, 0.99)).toEqual([]);
      const added = await registry.addTemplates(person.id, [template(good, MODEL), template(randomUnit(dim, rng), MODEL)]);
      expect(added).toHaveLength(2);
      expect((await registry.getPerson(person.id)).templateCount).toBe(3);
      expect(registry.search(good, 1, 0.99)[0]).toMatchObject({ personId: person.id, templateId: added[0].id });
    });

    test('trims names and accepts 200 characters of any script', async () => {
      const { person } = await registry.addPerson({ name: '\u3000 Zoë 🙂\t\n' });
      expect(person.name).toBe('Zoë 🙂');
      const longest = '😀'.repeat(200); // 200 code points, 400 UTF-16 units
      expect((await registry.addPerson({ name: longest })).person.name).toBe(longest);
      expect((await registry.addPerson({ name: '李'.repeat(200) })).person.name).toHaveLength(200);
    });

    test('rejects empty, blank, over-long and control-character names and writes nothing', async () => {
      for (const name of ['', '   ', '\u00a0\u2003', 'x'.repeat(201), '😀'.repeat(201), 'tab\u0007bell', 42]) {
        await expectRegistryError(registry.addPerson({ name: name as string }, [template(randomUnit(dim, rng), MODEL)]), 'invalid_input');
      }
      await expectNothingWritten();
    });

    test('rejects metadata that is not a small JSON object', async () => {
      let deep: Record<string, unknown> = {};
      for (let i = 0; i < 20; i++) deep = { deep };
      for (const metadata of [[1, 2], 'text', { big: 'x'.repeat(17_000) }, { n: NaN }, { when: new Date() }, deep]) {
        await expectRegistryError(registry.addPerson({ name: 'Meta', metadata: metadata as Record<string, unknown> }), 'invalid_input');
      }
      await expectNothingWritten();
    });

    test('rejects a duplicate external id on add and on update, writing nothing', async () => {
      const { person: first } = await registry.addPerson({ name: 'First', externalId: 'badge-7' });
      const conflict = await expectRegistryError(registry.addPerson({ name: 'Second', externalId: 'badge-7' }, [template(randomUnit(dim, rng), MODEL)]), 'conflict');
      expect(conflict.message).toMatch(/externalId/);
      expect(await h.countRows()).toEqual({ people: 1, templates: 0, crops: 0 });
      const { person: second } = await registry.addPerson({ name: 'Second', externalId: 'badge-8' });
      await expectRegistryError(registry.updatePerson(second.id, { name: 'Renamed', externalId: 'badge-7' }), 'conflict');
      expect(await registry.getPerson(second.id)).toMatchObject({ name: 'Second', externalId: 'badge-8' });
      expect((await registry.getPerson(first.id)).externalId).toBe('badge-7');
      expect(registry.size().people).toBe(2);
    });

    test('answers not_found for unknown and malformed ids, writing nothing', async () => {
      const v = randomUnit(dim, rng);
      const { person, templates } = await registry.addPerson({ name: 'Known' }, [template(v, MODEL)]);
      const { person: other } = await registry.addPerson({ name: 'Other' });
      for (const id of [randomUUID(), 'not-a-uuid', randomUUID().toUpperCase()]) {
        await expectRegistryError(registry.getPerson(id), 'not_found');
        await expectRegistryError(registry.updatePerson(id, { name: 'X' }), 'not_found');
        await expectRegistryError(registry.deletePerson(id), 'not_found');
        await expectRegistryError(registry.addTemplates(id, [template(randomUnit(dim, rng), MODEL)]), 'not_found');
        await expectRegistryError(registry.removeTemplate(person.id, id), 'not_found');
        expect(await registry.getCrop(id)).toBeNull();
      }
      // A template is addressed through its own person only.
      await expectRegistryError(registry.removeTemplate(other.id, templates[0].id), 'not_found');
      expect(await h.countRows()).toEqual({ people: 2, templates: 1, crops: 0 });
      expect(registry.search(v, 1, 0.99)[0].templateId).toBe(templates[0].id);
    });

    test('updates name, external id and metadata; search reports the new name', async () => {
      const v = randomUnit(dim, rng);
      const { person } = await registry.addPerson({ name: 'Old Name', externalId: 'e-1', metadata: { a: 1 } }, [template(v, MODEL)]);
      const renamed = await registry.updatePerson(person.id, { name: '  New Name ' });
      expect(renamed).toMatchObject({ id: person.id, name: 'New Name', externalId: 'e-1', metadata: { a: 1 }, createdAt: person.createdAt, templateCount: 1 });
      expect(renamed.updatedAt >= person.updatedAt).toBe(true);
      expect(registry.search(v, 1, 0.9)[0].name).toBe('New Name');
      const cleared = await registry.updatePerson(person.id, { externalId: null, metadata: { b: [true, null] } });
      expect(cleared).toMatchObject({ name: 'New Name', externalId: null, metadata: { b: [true, null] } });
      expect(await registry.getPerson(person.id)).toMatchObject({ name: 'New Name', externalId: null, metadata: { b: [true, null] } });
      await expectRegistryError(registry.updatePerson(person.id, { name: ' ' }), 'invalid_input');
    });

    test('deletes a person with every template and crop, from the database and the index', async () => {
      await registry.close();
      registry = await h.open({ keepCrops: true });
      const [v1, v2] = [randomUnit(dim, rng), randomUnit(dim, rng)];
      const { person, templates } = await registry.addPerson({ name: 'Gone' }, [
        template(v1, MODEL, { crop: fakeJpeg(1) }),
        template(v2, MODEL, { crop: fakeJpeg(2) }),
      ]);
      const { person: kept } = await registry.addPerson({ name: 'Kept' }, [template(randomUnit(dim, rng), MODEL, { crop: fakeJpeg(3) })]);
      expect(await registry.getCrop(templates[0].id)).toEqual(fakeJpeg(1));
      await registry.deletePerson(person.id);
      await expectRegistryError(registry.getPerson(person.id), 'not_found');
      expect(await registry.getCrop(templates[0].id)).toBeNull();
      expect(registry.search(v1, 5, 0.5)).toEqual([]);
      expect(registry.search(v2, 5, 0.5)).toEqual([]);
      expect(await h.countRows()).toEqual({ people: 1, templates: 1, crops: 1 });
      expect(registry.size()).toEqual({ people: 1, templates: 1, staleTemplates: 0 });
      expect((await registry.getPerson(kept.id)).templateCount).toBe(1);
      await expectRegistryError(registry.deletePerson(person.id), 'not_found');
    });

    test('removes one template from the database and the index', async () => {
      const [v1, v2] = [randomUnit(dim, rng), randomUnit(dim, rng)];
      const { person, templates } = await registry.addPerson({ name: 'Two Photos' }, [template(v1, MODEL), template(v2, MODEL)]);
      await registry.removeTemplate(person.id, templates[0].id);
      expect(registry.search(v1, 1, 0.9)).toEqual([]);
      expect(registry.search(v2, 1, 0.9)[0].templateId).toBe(templates[1].id);
      const after = await registry.getPerson(person.id);
      expect(after.templates.map((t) => t.id)).toEqual([templates[1].id]);
      expect(after.templateCount).toBe(1);
      await expectRegistryError(registry.removeTemplate(person.id, templates[0].id), 'not_found');
    });

    test('stores crops only when keeping crops is switched on', async () => {
      const dropped = await registry.addPerson({ name: 'No Crop' }, [template(randomUnit(dim, rng), MODEL, { crop: fakeJpeg(5) })]);
      expect(dropped.templates[0].hasCrop).toBe(false);
      expect(await registry.getCrop(dropped.templates[0].id)).toBeNull();
      expect((await h.countRows()).crops).toBe(0);
      await registry.close();
      registry = await h.open({ keepCrops: true });
      const kept = await registry.addPerson({ name: 'Crop' }, [template(randomUnit(dim, rng), MODEL, { crop: fakeJpeg(6) }), template(randomUnit(dim, rng), MODEL)]);
      expect(kept.templates.map((t) => t.hasCrop)).toEqual([true, false]);
      // Templates come back ordered by creation time, then id: within one call, by id.
      const stored = (await registry.getPerson(kept.person.id)).templates;
      expect(stored.find((t) => t.id === kept.templates[0].id)?.hasCrop).toBe(true);
      expect(stored.find((t) => t.id === kept.templates[1].id)?.hasCrop).toBe(false);
      expect(await registry.getCrop(kept.templates[0].id)).toEqual(fakeJpeg(6));
    });

    test('lists people by name, ignoring case and accents, in pages', async () => {
      const names = ['bob', 'Émile', 'alice', 'zed', 'Chloé', 'Álvaro'];
      for (const name of names) await registry.addPerson({ name, externalId: `id-${name}` });
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: { people: { name: string }[]; next: string | null } = await registry.listPeople({ limit: 4, cursor });
        seen.push(...page.people.map((p) => p.name));
        cursor = page.next;
        pages++;
      } while (cursor);
      expect(seen).toEqual(['alice', 'Álvaro', 'bob', 'Chloé', 'Émile', 'zed']);
      expect(pages).toBe(2);
      expect((await registry.listPeople({ query: 'CHLOE' })).people.map((p) => p.name)).toEqual(['Chloé']);
      expect((await registry.listPeople({ query: 'e' })).people.map((p) => p.name)).toEqual(['alice', 'Chloé', 'Émile', 'zed']);
      expect((await registry.listPeople({ query: 'id-bob' })).people.map((p) => p.name)).toEqual(['bob']);
      expect((await registry.listPeople({ limit: 6 })).next).toBeNull();
      await expectRegistryError(registry.listPeople({ cursor: 'made-up' }), 'invalid_input');
      await expectRegistryError(registry.listPeople({ limit: 0 }), 'invalid_input');
    });

    test('searches only templates of its own model and counts the others as stale', async () => {
      const vs = [randomUnit(dim, rng), randomUnit(dim, rng), randomUnit(dim, rng)];
      const { person } = await registry.addPerson({ name: 'Old Model' }, [template(vs[0], MODEL), template(vs[1], MODEL)]);
      await registry.addPerson({ name: 'Also Old' }, [template(vs[2], MODEL)]);
      const oldTemplates = (await registry.getPerson(person.id)).templates;
      await registry.close();
      registry = await h.open({ modelId: OTHER_MODEL });
      expect(registry.size()).toEqual({ people: 2, templates: 0, staleTemplates: 3 });
      for (const v of vs) expect(registry.search(v, 5, -1)).toEqual([]);
      await expectRegistryError(registry.addTemplates(person.id, [template(vs[0], MODEL)]), 'invalid_input');
      const [fresh] = await registry.addTemplates(person.id, [template(vs[0], OTHER_MODEL)]);
      expect(registry.search(vs[0], 5, 0.9).map((x) => x.templateId)).toEqual([fresh.id]);
      await registry.removeTemplate(person.id, oldTemplates[0].id);
      expect(registry.size()).toEqual({ people: 2, templates: 1, staleTemplates: 2 });
      await registry.deletePerson(person.id);
      expect(registry.size()).toEqual({ people: 1, templates: 0, staleTemplates: 1 });
    });

    test('refuses to open a database written by a newer schema, and leaves it untouched', async () => {
      await registry.addPerson({ name: 'Before' }, [template(randomUnit(dim, rng), MODEL)]);
      await registry.close();
      await h.bumpSchemaVersion();
      const error = await expectRegistryError(h.open(), 'schema_too_new');
      expect(error.message).toMatch(/newer facerec/);
      expect(await h.countRows()).toEqual({ people: 1, templates: 1, crops: 0 });
    });

    test('exports to JSON Lines and imports into an empty registry exactly', async () => {
      await registry.close();
      registry = await h.open({ keepCrops: true });
      const v = randomUnit(dim, rng);
      const { person } = await registry.addPerson({ name: 'Ünïcode 名前', externalId: 'x-1', metadata: { 2: 'two', b: { c: [1.5, -0, 'é'] } } }, [
        template(v, MODEL, { crop: fakeJpeg(9), quality: 0.123456789 }),
        template(randomUnit(dim, rng), MODEL, { source: 'api' }),
      ]);
      await registry.addPerson({ name: 'No Templates' });
      await registry.close();
      registry = await h.open({ keepCrops: true, modelId: OTHER_MODEL });
      await registry.addTemplates(person.id, [template(randomUnit(dim, rng), OTHER_MODEL, { source: 'upload' })]);
      await registry.close();
      registry = await h.open({ keepCrops: true });
      const exported = await collect(registry.export());
      expect(exported).toHaveLength(3);
      expect(JSON.parse(exported[0])).toMatchObject({ format: 'facerec-registry', version: 1 });

      const target = await newHarness();
      try {
        const copy = await target.open({ keepCrops: true });
        expect(await copy.import(exported)).toEqual({ people: 2, templates: 3 });
        const again = await collect(copy.export());
        expect(again.slice(1)).toEqual(exported.slice(1));
        expect(await copy.getPerson(person.id)).toEqual(await registry.getPerson(person.id));
        expect(copy.size()).toEqual({ people: 2, templates: 2, staleTemplates: 1 });
        expect(copy.search(v, 1, 0.99)[0]).toMatchObject({ personId: person.id, name: 'Ünïcode 名前' });
      } finally {
        await target.cleanup();
      }
    });

    test('imports all or nothing: a bad line or a taken id writes nothing', async () => {
      const source = await newHarness();
      let lines: string[];
      try {
        const from = await source.open();
        for (let i = 0; i < 3; i++) await from.addPerson({ name: `Import ${i}` }, [template(randomUnit(dim, rng), MODEL)]);
        lines = await collect(from.export());
      } finally {
        await source.cleanup();
      }
      const broken = [...lines.slice(0, 3), lines[3].replace('"name":"Import', '"name":"\\u0000Import')];
      const error = await expectRegistryError(registry.import(broken), 'invalid_input');
      expect(error.message).toMatch(/line 4/);
      await expectRegistryError(registry.import(['{"format":"something-else"}', ...lines.slice(1)]), 'invalid_input');
      await expectNothingWritten();
      await expectRegistryError(registry.import([...lines, lines[2]]), 'conflict');
      await expectNothingWritten();
      expect(await registry.import(lines.slice(0, 2))).toEqual({ people: 1, templates: 1 });
      await expectRegistryError(registry.import(lines), 'conflict');
      expect(await h.countRows()).toEqual({ people: 1, templates: 1, crops: 0 });
      expect(registry.size()).toEqual({ people: 1, templates: 1, staleTemplates: 0 });
    });

    test('switches to the approximate index above the threshold and follows every write', async () => {
      await registry.close();
      registry = await h.open({ annMinTemplates: 40 });
      const people: { id: string; v: Float32Array }[] = [];
      for (let p = 0; p < 30; p++) {
        const vs = [randomUnit(dim, rng), randomUnit(dim, rng)];
        const { person } = await registry.addPerson({ name: `ann ${p}` }, vs.map((v) => template(v, MODEL)));
        people.push({ id: person.id, v: vs[0] });
      }
      await registry.whenIndexReady();
      expect(registry.indexState()).toEqual({ kind: 'approximate', building: false });
      for (const p of people) expect(registry.search(probe(p.v, 0.3, rng), 1, 0.5)[0]?.personId).toBe(p.id);
      await registry.deletePerson(people[0].id);
      expect(registry.search(people[0].v, 3, 0.5)).toEqual([]);
      const fresh = randomUnit(dim, rng);
      const { person } = await registry.addPerson({ name: 'late' }, [template(fresh, MODEL)]);
      expect(registry.search(fresh, 1, 0.9)[0]?.personId).toBe(person.id);
      // Reopened: the index is rebuilt in the background, exact search answers meanwhile.
      await registry.close();
      registry = await h.open({ annMinTemplates: 40 });
      expect(registry.search(fresh, 1, 0.9)[0]?.personId).toBe(person.id);
      await registry.whenIndexReady();
      expect(registry.indexState().kind).toBe('approximate');
      expect(registry.search(fresh, 1, 0.9)[0]?.personId).toBe(person.id);
    });

    test('rejects bad search arguments', async () => {
      const v = randomUnit(dim, rng);
      const nan = v.slice();
      nan[3] = NaN;
      for (const [vector, k, min] of [
        [randomUnit(dim + 1, rng), 1, 0],
        [nan, 1, 0],
        [new Float32Array(dim), 1, 0],
        [v, -1, 0],
        [v, 1.5, 0],
        [v, 1, 2],
        [v, 1, NaN],
      ] as const) {
        await expectRegistryError(() => registry.search(vector, k, min), 'invalid_input');
      }
    });

    test('refuses every call once closed', async () => {
      await registry.close();
      await expectRegistryError(registry.addPerson({ name: 'Late' }), 'closed');
      await expectRegistryError(() => registry.search(randomUnit(dim, rng), 1, 0), 'closed');
      await expectRegistryError(registry.listPeople(), 'closed');
    });
  });
}
