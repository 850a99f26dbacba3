/**
 * The key store and the audit trail, repositories of the registry's store: one suite that each
 * backend's test file runs with its harness, like contract.case.ts.
 */
import { randomUUID } from 'node:crypto';
import { hashKey, type AuditContext, type AuditEntry, type AuditQuery } from '@/lib/registry';
import type { Registry } from '@/lib/registry/registry';
import { expectRegistryError, MODEL, type RegistryHarness } from './contract.case';
import { randomUnit, seededRng, template } from './vectors';

const KEY_ID = '6f1c8a52-0d2e-4b7a-9c3e-2a1b0c9d8e7f';
const BY_KEY: AuditContext = { actor: { kind: 'key', keyId: KEY_ID, name: 'front desk' }, address: '203.0.113.7' };
const BY_ADMIN: AuditContext = { actor: { kind: 'admin', keyId: null, name: 'admin' }, address: '2001:db8::1' };

/** Every entry matching `query`, following the cursor from page to page. */
export async function allEntries(registry: Registry, query: AuditQuery = {}): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<Registry['audit']['list']>> = await registry.audit.list({ ...query, cursor });
    out.push(...page.entries);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** [action, personId, faceId, keyId] of entries, oldest first. */
const summary = (entries: AuditEntry[]) => [...entries].reverse().map((e) => [e.action, e.personId, e.faceId, e.keyId]);

async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

export function runKeysAndAuditContract(backend: string, newHarness: () => Promise<RegistryHarness>): void {
  const dim = 128;
  const rng = seededRng(77);

  describe(`${backend} registry: API keys`, () => {
    let h: RegistryHarness;
    let registry: Registry;
    beforeEach(async () => {
      h = await newHarness();
      registry = await h.open();
    });
    afterEach(async () => {
      await h.cleanup();
    });

    test('creates a key shown once, verifies it, records its use, and lists it without the key', async () => {
      const { info, key } = await registry.keys.create('  camera 1 ', 'recognize');
      expect(key).toMatch(/^frk_[A-Za-z0-9_-]{43}$/);
      expect(info).toMatchObject({ name: 'camera 1', role: 'recognize', lastUsedAt: null });
      expect(await registry.keys.verify(`${key}x`)).toBeNull();
      expect(await registry.keys.verify('')).toBeNull();
      const verified = await registry.keys.verify(key);
      expect(verified).toMatchObject({ id: info.id, name: 'camera 1', role: 'recognize' });
      const [listed] = await registry.keys.list();
      expect(listed).toMatchObject({ id: info.id, name: 'camera 1', role: 'recognize', createdAt: info.createdAt });
      expect(listed.lastUsedAt).not.toBeNull();
      expect(verified?.lastUsedAt).toBe(listed.lastUsedAt);
      // Used again within the minute: last use is kept to the minute, so nothing is rewritten.
      await registry.keys.verify(key);
      expect((await registry.keys.list())[0].lastUsedAt).toBe(listed.lastUsedAt);
      expect(JSON.stringify(await registry.keys.list())).not.toContain(key);
      expect(JSON.stringify(await registry.keys.list())).not.toContain(hashKey(key));
    });

    test('revokes a key once: it no longer verifies nor lists; unknown and malformed ids revoke nothing', async () => {
      const a = await registry.keys.create('a', 'enroll');
      const b = await registry.keys.create('b', 'admin');
      expect(await registry.keys.countByRole('admin')).toBe(1);
      expect(await registry.keys.revoke(b.info.id)).toBe(true);
      expect(await registry.keys.revoke(b.info.id)).toBe(false);
      expect(await registry.keys.revoke(randomUUID())).toBe(false);
      expect(await registry.keys.revoke('not-a-uuid')).toBe(false);
      expect(await registry.keys.verify(b.key)).toBeNull();
      expect(await registry.keys.countByRole('admin')).toBe(0);
      expect((await registry.keys.list()).map((k) => k.id)).toEqual([a.info.id]);
    });

    test('rejects a bad name or role and writes nothing, not even an audit entry', async () => {
      await expectRegistryError(registry.keys.create('', 'enroll'), 'invalid_input');
      await expectRegistryError(registry.keys.create('x'.repeat(101), 'enroll'), 'invalid_input');
      await expectRegistryError(registry.keys.create('tab\there', 'enroll'), 'invalid_input');
      await expectRegistryError(registry.keys.create('ok', 'root' as never), 'invalid_input');
      expect(await registry.keys.list()).toEqual([]);
      expect(await allEntries(registry)).toEqual([]);
    });

    test('keeps keys across a reopen', async () => {
      const { info, key } = await registry.keys.create('kept', 'metrics');
      await registry.close();
      registry = await h.open();
      expect(await registry.keys.verify(key)).toMatchObject({ id: info.id, role: 'metrics' });
    });

    test('migration 2 carries the keys of the old api_keys table over, revoked ones revoked, and drops the table', async () => {
      const fresh = await newHarness();
      try {
        const live = 'frk_legacy-live-key';
        const gone = 'frk_legacy-revoked-key';
        await fresh.seedLegacyKeys([
          { id: randomUUID(), name: 'old admin', role: 'admin', hash: hashKey(live), created_at: '2026-01-02T03:04:05.678Z', last_used_at: '2026-02-01T00:00:00.000Z', revoked_at: null },
          { id: randomUUID(), name: 'old camera', role: 'recognize', hash: hashKey(gone), created_at: '2026-01-03T00:00:00.000Z', last_used_at: null, revoked_at: '2026-01-04T00:00:00.000Z' },
        ]);
        const migrated = await fresh.open();
        const listed = await migrated.keys.list();
        expect(listed).toEqual([expect.objectContaining({ name: 'old admin', role: 'admin', createdAt: '2026-01-02T03:04:05.678Z', lastUsedAt: '2026-02-01T00:00:00.000Z' })]);
        expect(await migrated.keys.verify(live)).toMatchObject({ name: 'old admin', role: 'admin' });
        expect(await migrated.keys.verify(gone)).toBeNull();
        expect(await migrated.keys.countByRole('admin')).toBe(1);
        await migrated.close();
        // Reopened: the old table is gone, so nothing is copied twice.
        const again = await fresh.open();
        expect(await again.keys.list()).toHaveLength(1);
      } finally {
        await fresh.cleanup();
      }
    });
  });

  describe(`${backend} registry: audit trail`, () => {
    let h: RegistryHarness;
    let registry: Registry;
    beforeEach(async () => {
      h = await newHarness();
      registry = await h.open();
    });
    afterEach(async () => {
      await h.cleanup();
    });

    test('records every change once, with action, actor, targets, address and small details', async () => {
      const { person, templates } = await registry.addPerson({ name: 'Grace Hopper' }, [template(randomUnit(dim, rng), MODEL, { source: 'upload' })], BY_KEY);
      await registry.updatePerson(person.id, { name: 'Grace B. Hopper', metadata: { team: 'navy' } }, BY_ADMIN);
      const [added] = await registry.addTemplates(person.id, [template(randomUnit(dim, rng), MODEL, { source: 'camera' })], BY_KEY);
      await registry.removeTemplate(person.id, templates[0].id, BY_KEY);
      const { info } = await registry.keys.create('door', 'recognize', BY_ADMIN);
      await registry.keys.revoke(info.id, BY_ADMIN);
      await registry.audit.record('registry.export', BY_ADMIN, {}, { people: 1 });
      const { person: other } = await registry.addPerson({ name: 'Other' }); // no context: the system

      const entries = await allEntries(registry);
      expect(summary(entries)).toEqual([
        ['person.create', person.id, null, null],
        ['face.add', person.id, templates[0].id, null],
        ['person.update', person.id, null, null],
        ['face.add', person.id, added.id, null],
        ['face.delete', person.id, templates[0].id, null],
        ['key.create', null, null, info.id],
        ['key.revoke', null, null, info.id],
        ['registry.export', null, null, null],
        ['person.create', other.id, null, null],
      ]);
      const oldestFirst = [...entries].reverse();
      expect(oldestFirst[0]).toMatchObject({ actor: BY_KEY.actor, address: '203.0.113.7', details: { templates: 1 } });
      expect(oldestFirst[1].details).toEqual({ source: 'upload' });
      expect(oldestFirst[2]).toMatchObject({ actor: BY_ADMIN.actor, address: '2001:db8::1', details: { fields: ['name', 'metadata'] } });
      expect(oldestFirst[3].details).toEqual({ source: 'camera' });
      expect(oldestFirst[5].details).toEqual({ role: 'recognize' });
      expect(oldestFirst[8]).toMatchObject({ actor: { kind: 'system', keyId: null, name: 'system' }, address: null });
      // Ids increase; times are ISO 8601 UTC with ms and never go back.
      for (let i = 1; i < oldestFirst.length; i++) {
        expect(BigInt(oldestFirst[i].id)).toBeGreaterThan(BigInt(oldestFirst[i - 1].id));
        expect(oldestFirst[i].at >= oldestFirst[i - 1].at).toBe(true);
      }
      expect(oldestFirst.every((e) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(e.at))).toBe(true);
      // Never a name, an embedding or an image.
      const text = JSON.stringify(entries);
      expect(text).not.toMatch(/Grace|Hopper|navy|Other|embedding|crop|jpeg/i);
    });

    test('a change that fails or finds nothing leaves no entry', async () => {
      const { person } = await registry.addPerson({ name: 'Exists', externalId: 'e-1' });
      const before = await allEntries(registry);
      await expectRegistryError(registry.addPerson({ name: '' }, [], BY_KEY), 'invalid_input');
      await expectRegistryError(registry.addPerson({ name: 'Twin', externalId: 'e-1' }, [], BY_KEY), 'conflict');
      await expectRegistryError(registry.updatePerson(randomUUID(), { name: 'Nobody' }, BY_KEY), 'not_found');
      await expectRegistryError(registry.updatePerson(person.id, { name: ' ' }, BY_KEY), 'invalid_input');
      await expectRegistryError(registry.deletePerson(randomUUID(), BY_KEY), 'not_found');
      await expectRegistryError(registry.addTemplates(randomUUID(), [template(randomUnit(dim, rng), MODEL)], BY_KEY), 'not_found');
      await expectRegistryError(registry.addTemplates(person.id, [template(randomUnit(dim + 1, rng), MODEL)], BY_KEY), 'invalid_input');
      await expectRegistryError(registry.removeTemplate(person.id, randomUUID(), BY_KEY), 'not_found');
      expect(await registry.keys.revoke(randomUUID(), BY_KEY)).toBe(false);
      await expectRegistryError(registry.import(['{"format":"something-else"}'], BY_KEY), 'invalid_input');
      expect(await allEntries(registry)).toEqual(before);
    });

    test('deleting a person erases every entry naming them except the deletion, which names the id only', async () => {
      const { person, templates } = await registry.addPerson({ name: 'Forget Me' }, [template(randomUnit(dim, rng), MODEL)], BY_KEY);
      await registry.updatePerson(person.id, { externalId: 'gone-1' }, BY_KEY);
      await registry.removeTemplate(person.id, templates[0].id, BY_KEY);
      const { person: stays } = await registry.addPerson({ name: 'Stays' }, [], BY_KEY);
      const { info } = await registry.keys.create('kept', 'enroll', BY_ADMIN);
      const highest = BigInt((await registry.audit.list({ limit: 1 })).entries[0].id);

      await registry.deletePerson(person.id, BY_ADMIN);
      const forPerson = await allEntries(registry, { personId: person.id });
      expect(forPerson).toHaveLength(1);
      expect(forPerson[0]).toMatchObject({ action: 'person.delete', personId: person.id, faceId: null, actor: BY_ADMIN.actor, details: null });
      expect(BigInt(forPerson[0].id)).toBeGreaterThan(highest);
      expect(summary(await allEntries(registry))).toEqual([
        ['person.create', stays.id, null, null],
        ['key.create', null, null, info.id],
        ['person.delete', person.id, null, null],
      ]);
      // Survives a reopen: the erase was committed with the deletion.
      await registry.close();
      registry = await h.open();
      expect(await allEntries(registry, { personId: person.id })).toHaveLength(1);
    });

    test('filters by person, actor, action and time, newest first, in pages that cover each entry once', async () => {
      const people: string[] = [];
      for (let i = 0; i < 5; i++) people.push((await registry.addPerson({ name: `P${i}` }, [], i % 2 ? BY_ADMIN : BY_KEY)).person.id);
      for (const id of people) await registry.updatePerson(id, { metadata: { n: 1 } }, BY_KEY);
      await registry.audit.record('registry.export', undefined, {}, { people: 5, templates: 0 });
      const all = await allEntries(registry);
      expect(all).toHaveLength(11);

      const paged: AuditEntry[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Awaited<ReturnType<Registry['audit']['list']>> = await registry.audit.list({ limit: 3, cursor });
        expect(page.entries.length).toBeLessThanOrEqual(3);
        paged.push(...page.entries);
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(4);
      expect(paged).toEqual(all);
      expect(all.map((e) => BigInt(e.id))).toEqual(all.map((e) => BigInt(e.id)).sort((a, b) => (a > b ? -1 : 1)));

      expect(summary(await allEntries(registry, { personId: people[2] }))).toEqual([
        ['person.create', people[2], null, null],
        ['person.update', people[2], null, null],
      ]);
      expect((await allEntries(registry, { actor: 'admin' })).map((e) => e.personId)).toEqual([people[3], people[1]]);
      expect(await allEntries(registry, { actor: KEY_ID })).toHaveLength(8);
      expect((await allEntries(registry, { actor: 'system' })).map((e) => e.action)).toEqual(['registry.export']);
      expect(await allEntries(registry, { action: 'person.update' })).toHaveLength(5);
      expect(await allEntries(registry, { action: 'person.update', actor: 'admin' })).toEqual([]);

      const middle = all[5].at;
      const since = await allEntries(registry, { since: middle });
      const until = await allEntries(registry, { until: middle });
      expect(since.every((e) => e.at >= middle) && until.every((e) => e.at < middle)).toBe(true);
      expect(since.length + until.length).toBe(11);
      expect(await allEntries(registry, { since: '2999-01-01T00:00:00Z' })).toEqual([]);
      // An offset is read as the instant it names.
      expect(await allEntries(registry, { until: '2000-01-01T02:00:00+02:00' })).toEqual([]);
    });

    test('rejects bad filters, cursors, limits and records', async () => {
      const bad: AuditQuery[] = [
        { personId: 'nope' },
        { actor: 'root' },
        { action: 'person.rename' },
        { since: 'yesterday' },
        { until: '2026-13-45T00:00:00Z' },
        { cursor: 'abc' },
        { cursor: '-1' },
        { limit: 0 },
        { limit: 201 },
        { limit: 1.5 },
      ];
      for (const query of bad) await expectRegistryError(registry.audit.list(query), 'invalid_input');
      await expectRegistryError(registry.audit.record('person.rename' as never), 'invalid_input');
      await expectRegistryError(registry.audit.record('registry.export', undefined, { personId: 'x' }), 'invalid_input');
      await expectRegistryError(registry.audit.record('registry.export', undefined, {}, { blob: 'x'.repeat(2000) }), 'invalid_input');
      await expectRegistryError(registry.audit.record('registry.export', { actor: { kind: 'key', keyId: null, name: 'k' }, address: null }), 'invalid_input');
      expect(await allEntries(registry)).toEqual([]);
    });

    test('is append-only: the database refuses to rewrite an entry', async () => {
      await registry.addPerson({ name: 'Kept' }, [], BY_KEY);
      const before = await allEntries(registry);
      expect(before.map((e) => e.action)).toEqual(['person.create']);
      // The refusal's message, or 'rewrote' (compared as text: jest's toThrow misjudged the native error under load).
      const outcome = await h.rewriteAudit().then(() => 'rewrote', (e: unknown) => String((e as Error)?.message ?? e));
      expect(outcome).toMatch(/append-only/);
      expect(await allEntries(registry)).toEqual(before);
    });

    test('records an import in its transaction, with the counts, and nothing when the import fails', async () => {
      const source = await newHarness();
      let lines: string[];
      try {
        const from = await source.open();
        for (let i = 0; i < 2; i++) await from.addPerson({ name: `Import ${i}` }, [template(randomUnit(dim, rng), MODEL)]);
        lines = await collect(from.export());
      } finally {
        await source.cleanup();
      }
      expect(await registry.import(lines, BY_ADMIN)).toEqual({ people: 2, templates: 2 });
      await expectRegistryError(registry.import(lines, BY_ADMIN), 'conflict');
      const entries = await allEntries(registry);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ action: 'registry.import', actor: BY_ADMIN.actor, details: { people: 2, templates: 2 } });
    });
  });
}
