/**
 * SqliteRegistry: the shared contract on a temp file, plus what only SQLite promises.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createRegistry } from '@/lib/registry';
import type { Registry } from '@/lib/registry/registry';
import { SQLITE_MIGRATIONS } from '@/lib/registry/migrations/sqlite';
import { embeddingToBytes } from '@/lib/registry/validate';
import { MODEL, runRegistryContract, type RegistryHarness } from './contract.case';
import { runKeysAndAuditContract } from './keys-audit.case';
import { randomUnit, seededRng, template } from './vectors';

function sqliteHarness(): Promise<RegistryHarness> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facerec-sqlite-'));
  const file = path.join(dataDir, 'facerec.db');
  const opened: Registry[] = [];
  const withDb = <T>(work: (db: Database.Database) => T): T => {
    fs.mkdirSync(dataDir, { recursive: true });
    const db = new Database(file);
    // The registry holds the file open in WAL mode: wait out its checkpoints instead of failing with SQLITE_BUSY.
    db.pragma('busy_timeout = 5000');
    try {
      return work(db);
    } finally {
      db.close();
    }
  };
  return Promise.resolve({
    async open(opts = {}) {
      const registry = await createRegistry({ dataDir, modelId: opts.modelId ?? MODEL, dim: opts.dim ?? 128, keepCrops: opts.keepCrops, annMinTemplates: opts.annMinTemplates });
      opened.push(registry);
      return registry;
    },
    async bumpSchemaVersion() {
      withDb((db) => db.prepare("INSERT INTO schema_migration (version, name, applied_at) VALUES (999, 'from the future', '2099-01-01T00:00:00.000Z')").run());
    },
    async countRows() {
      return withDb((db) => ({
        people: db.prepare('SELECT count(*) FROM person').pluck().get() as number,
        templates: db.prepare('SELECT count(*) FROM template').pluck().get() as number,
        crops: db.prepare('SELECT count(*) FROM template_crop').pluck().get() as number,
      }));
    },
    async rewriteAudit() {
      withDb((db) => db.prepare("UPDATE audit_entry SET action = 'person.update'").run());
    },
    async seedLegacyKeys(rows) {
      withDb((db) => {
        db.exec('CREATE TABLE schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT');
        db.exec(SQLITE_MIGRATIONS[0].sql);
        db.prepare("INSERT INTO schema_migration VALUES (1, 'people, templates, crops', '2026-01-01T00:00:00.000Z')").run();
        // The key store's own DDL before migration 2 (lib/server/keys.ts).
        db.exec(`CREATE TABLE IF NOT EXISTS api_keys (
          id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, hash TEXT NOT NULL UNIQUE,
          created_at TEXT NOT NULL, last_used_at TEXT, revoked_at TEXT)`);
        const insert = db.prepare('INSERT INTO api_keys VALUES (@id, @name, @role, @hash, @created_at, @last_used_at, @revoked_at)');
        for (const row of rows) insert.run(row);
      });
    },
    async cleanup() {
      for (const r of opened) await r.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

runRegistryContract('SQLite', sqliteHarness);
runKeysAndAuditContract('SQLite', sqliteHarness);

describe('SQLite registry file', () => {
  test('creates the data folder and keeps everything in one facerec.db', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'facerec-sqlite-'));
    const dataDir = path.join(root, 'nested', 'data');
    const registry = await createRegistry({ dataDir, modelId: MODEL, dim: 128 });
    try {
      await registry.addPerson({ name: 'Filed' });
      expect(fs.readdirSync(dataDir).filter((f) => !f.endsWith('-wal') && !f.endsWith('-shm'))).toEqual(['facerec.db']);
    } finally {
      await registry.close();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('leaves no copy of a deleted face embedding in the database file or its log', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facerec-sqlite-'));
    const rng = seededRng(7);
    const registry = await createRegistry({ dataDir, modelId: MODEL, dim: 128 });
    try {
      const secret = randomUnit(128, rng);
      const { person } = await registry.addPerson({ name: 'Forget Me' }, [template(secret, MODEL)]);
      await registry.addPerson({ name: 'Stays' }, [template(randomUnit(128, rng), MODEL)]);
      // The stored bytes are the normalised copy; normalising a unit vector again may move a last bit, so search for both.
      const needles = [embeddingToBytes(secret).subarray(0, 64)];
      const files = () => fs.readdirSync(dataDir).map((f) => fs.readFileSync(path.join(dataDir, f)));
      expect(files().some((bytes) => needles.some((n) => bytes.includes(n)))).toBe(true);
      await registry.deletePerson(person.id);
      expect(files().some((bytes) => needles.some((n) => bytes.includes(n)))).toBe(false);
    } finally {
      await registry.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
