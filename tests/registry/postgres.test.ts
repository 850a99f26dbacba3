/**
 * PostgresRegistry against a real PostgreSQL server started by this file: the shared contract,
 * then what only a shared database promises: several instances that follow each other's writes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createRegistry } from '@/lib/registry';
import { POSTGRES_MIGRATIONS } from '@/lib/registry/migrations/postgres';
import { LISTEN_APPLICATION_NAME } from '@/lib/registry/postgres';
import type { Registry } from '@/lib/registry/registry';
import { embeddingToBytes } from '@/lib/registry/validate';
import { startPostgres, type PostgresServer } from '../helpers/postgres';
import { MODEL, OTHER_MODEL, runRegistryContract, type RegistryHarness } from './contract.case';
import { runKeysAndAuditContract } from './keys-audit.case';
import { fakeJpeg, randomUnit, seededRng, template } from './vectors';

let server: PostgresServer;

beforeAll(async () => {
  server = await startPostgres();
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

async function postgresHarness(): Promise<RegistryHarness> {
  const url = await server.createDatabase();
  const opened: Registry[] = [];
  return {
    async open(opts = {}) {
      const registry = await createRegistry({ databaseUrl: url, modelId: opts.modelId ?? MODEL, dim: opts.dim ?? 128, keepCrops: opts.keepCrops, annMinTemplates: opts.annMinTemplates });
      opened.push(registry);
      return registry;
    },
    async bumpSchemaVersion() {
      await query(url, "INSERT INTO facerec_schema_migration (version, name, applied_at) VALUES (999, 'from the future', now())");
    },
    async countRows() {
      const [row] = await query<{ people: number; templates: number; crops: number }>(
        url,
        `SELECT (SELECT count(*) FROM facerec_person)::int AS people, (SELECT count(*) FROM facerec_template)::int AS templates,
           (SELECT count(*) FROM facerec_template_crop)::int AS crops`,
      );
      return row;
    },
    async rewriteAudit() {
      await query(url, "UPDATE facerec_audit_entry SET action = 'person.update'");
    },
    async seedLegacyKeys(rows) {
      await query(url, 'CREATE TABLE facerec_schema_migration (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)');
      await query(url, POSTGRES_MIGRATIONS[0].sql);
      await query(url, "INSERT INTO facerec_schema_migration VALUES (1, 'people, templates, crops', now())");
      // The key store's own DDL before migration 2 (lib/server/keys.ts): unprefixed, all text.
      await query(url, `CREATE TABLE IF NOT EXISTS api_keys (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL, last_used_at TEXT, revoked_at TEXT)`);
      for (const r of rows) {
        await query(url, 'INSERT INTO api_keys VALUES ($1, $2, $3, $4, $5, $6, $7)', [r.id, r.name, r.role, r.hash, r.created_at, r.last_used_at, r.revoked_at]);
      }
    },
    async cleanup() {
      for (const r of opened) await r.close();
    },
  };
}

runRegistryContract('PostgreSQL', postgresHarness);
runKeysAndAuditContract('PostgreSQL', postgresHarness);

/** Polls `check` every 10 ms; true as soon as it holds, false once `withinMs` has passed. */
async function eventually(check: () => boolean, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    if (check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('PostgreSQL registry shared by several instances', () => {
  const dim = 128;
  const rng = seededRng(11);
  let url: string;
  let a: Registry;
  let b: Registry;

  beforeEach(async () => {
    url = await server.createDatabase();
    a = await createRegistry({ databaseUrl: url, modelId: MODEL, dim });
    b = await createRegistry({ databaseUrl: url, modelId: MODEL, dim });
  });
  afterEach(async () => {
    await a.close();
    await b.close();
  });

  test('a person enrolled through one instance is found by the other within a second', async () => {
    const v = randomUnit(dim, rng);
    const { person } = await a.addPerson({ name: 'Seen Everywhere' }, [template(v, MODEL)]);
    expect(await eventually(() => b.search(v, 1, 0.9)[0]?.personId === person.id, 1_000)).toBe(true);
    expect(b.size()).toEqual({ people: 1, templates: 1, staleTemplates: 0 });
  });

  test('renames, added and removed templates and deletions reach the other instance', async () => {
    const [v1, v2] = [randomUnit(dim, rng), randomUnit(dim, rng)];
    const { person, templates } = await a.addPerson({ name: 'Before' }, [template(v1, MODEL)]);
    expect(await eventually(() => b.search(v1, 1, 0.9).length === 1, 1_000)).toBe(true);
    await b.updatePerson(person.id, { name: 'After' });
    expect(await eventually(() => a.search(v1, 1, 0.9)[0]?.name === 'After', 1_000)).toBe(true);
    const [added] = await b.addTemplates(person.id, [template(v2, MODEL)]);
    expect(await eventually(() => a.search(v2, 1, 0.9)[0]?.templateId === added.id, 1_000)).toBe(true);
    await a.removeTemplate(person.id, templates[0].id);
    expect(await eventually(() => b.search(v1, 1, 0.9).length === 0, 1_000)).toBe(true);
    await a.deletePerson(person.id);
    expect(await eventually(() => b.size().people === 0 && b.search(v2, 1, 0.5).length === 0, 1_000)).toBe(true);
  });

  test('an instance that lost its notification connection resyncs and catches up', async () => {
    // A write no notification announces: only a full resync can bring it in.
    const v = randomUnit(dim, rng);
    const personId = randomUUID();
    const now = new Date().toISOString();
    await query(url, "INSERT INTO facerec_person (id, name, name_key, created_at, updated_at) VALUES ($1, 'Unannounced', 'unannounced', $2, $2)", [personId, now]);
    await query(url, "INSERT INTO facerec_template (id, person_id, model_id, embedding, quality, source, created_at) VALUES ($1, $2, $3, $4, 0.5, 'api', $5)", [
      randomUUID(),
      personId,
      MODEL,
      embeddingToBytes(v),
      now,
    ]);
    expect(b.search(v, 1, 0.9)).toEqual([]);
    const killed = await query<{ ok: boolean }>(
      url,
      'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()',
      [LISTEN_APPLICATION_NAME],
    );
    expect(killed).toHaveLength(2);
    expect(await eventually(() => b.search(v, 1, 0.9)[0]?.personId === personId && a.search(v, 1, 0.9).length === 1, 10_000)).toBe(true);
    // Listening again: later writes still arrive.
    const w = randomUnit(dim, rng);
    await a.addPerson({ name: 'After Reconnect' }, [template(w, MODEL)]);
    expect(await eventually(() => b.search(w, 1, 0.9).length === 1, 1_000)).toBe(true);
  });

  test('instances opening an empty database together migrate it once', async () => {
    const fresh = await server.createDatabase();
    const registries = await Promise.all([0, 1, 2].map(() => createRegistry({ databaseUrl: fresh, modelId: MODEL, dim })));
    try {
      expect(await query(fresh, 'SELECT version FROM facerec_schema_migration ORDER BY version')).toEqual(POSTGRES_MIGRATIONS.map((m) => ({ version: m.version })));
    } finally {
      for (const r of registries) await r.close();
    }
  });
});

describe('PostgreSQL database shared with other applications', () => {
  test("migration 2 leaves another application's api_keys table alone", async () => {
    const url = await server.createDatabase();
    await query(url, 'CREATE TABLE api_keys (id integer PRIMARY KEY, token text NOT NULL)');
    await query(url, "INSERT INTO api_keys VALUES (1, 'theirs')");
    const registry = await createRegistry({ databaseUrl: url, modelId: MODEL, dim: 128 });
    try {
      expect(await registry.keys.list()).toEqual([]);
      expect(await query(url, 'SELECT id, token FROM api_keys')).toEqual([{ id: 1, token: 'theirs' }]);
    } finally {
      await registry.close();
    }
  });
});

describe('moving from SQLite to PostgreSQL', () => {
  test('export from SQLite, import into PostgreSQL and export again gives the same lines', async () => {
    const rng = seededRng(5);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facerec-move-'));
    const pgUrl = await server.createDatabase();
    const opened: Registry[] = [];
    const open = async (opts: { dataDir?: string; databaseUrl?: string; modelId?: string }) => {
      const r = await createRegistry({ ...opts, modelId: opts.modelId ?? MODEL, dim: 128, keepCrops: true });
      opened.push(r);
      return r;
    };
    try {
      const sqlite = await open({ dataDir });
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const { person } = await sqlite.addPerson({ name: `Mover ${i} ñ`, externalId: i % 2 ? `ext-${i}` : null, metadata: i === 3 ? { k: [i, 'v'] } : null }, [
          template(randomUnit(128, rng), MODEL, { crop: fakeJpeg(i) }),
          template(randomUnit(128, rng), MODEL, { source: 'upload', quality: i / 7 }),
        ]);
        ids.push(person.id);
      }
      await sqlite.close();
      const sqliteOther = await open({ dataDir, modelId: OTHER_MODEL });
      await sqliteOther.addTemplates(ids[0], [template(randomUnit(128, rng), OTHER_MODEL)]);
      const lines: string[] = [];
      for await (const line of sqliteOther.export()) lines.push(line);

      const pg = await open({ databaseUrl: pgUrl });
      expect(await pg.import(lines)).toEqual({ people: 5, templates: 11 });
      const again: string[] = [];
      for await (const line of pg.export()) again.push(line);
      expect(JSON.parse(again[0]).backend).toBe('postgres');
      expect(again.slice(1)).toEqual(lines.slice(1));
      expect(pg.size()).toEqual({ people: 5, templates: 10, staleTemplates: 1 });
    } finally {
      for (const r of opened) await r.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
