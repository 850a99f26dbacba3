/**
 * What holds now that lib/server/app.ts is the one composition root: the registry takes
 * everything as arguments (no config, no global), logs through the logger it is given, and
 * keeps people, keys and the audit trail in one database with one set of settings.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createRegistry } from '@/lib/registry';
import { latestVersion } from '@/lib/registry/migrations/migration';
import { SQLITE_MIGRATIONS } from '@/lib/registry/migrations/sqlite';

const ROOT = path.resolve(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx|mjs|js)$/.test(e.name) ? [full] : [];
  });
}

/** Module specifiers a file imports (static, dynamic and re-exports). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

describe('layers', () => {
  test.each([
    ['lib/registry', /(^@\/(lib\/server|lib\/vision|app)\/)|(\.\.\/(server|vision)\/)/],
    ['lib/vision', /(^@\/(lib\/server|app)\/)|(\.\.\/server\/)/],
  ])('%s imports nothing from the layers above it', (dir, forbidden) => {
    const offending = sourceFiles(path.join(ROOT, dir)).flatMap((file) =>
      importsOf(file)
        .filter((spec) => forbidden.test(spec))
        .map((spec) => `${path.relative(ROOT, file)} -> ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  test('the registry reads no environment', () => {
    const reading = sourceFiles(path.join(ROOT, 'lib/registry')).filter((f) => fs.readFileSync(f, 'utf8').includes('process.env'));
    expect(reading).toEqual([]);
  });
});

describe('createRegistry', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facerec-compose-'));
  });
  afterEach(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('logs through the logger it is given', async () => {
    const lines: { level: string; obj: object; msg?: string }[] = [];
    const log = {
      info: (obj: object, msg?: string) => lines.push({ level: 'info', obj, msg }),
      warn: (obj: object, msg?: string) => lines.push({ level: 'warn', obj, msg }),
    };
    const registry = await createRegistry({ dataDir, modelId: 'compose-model', dim: 16, log });
    await registry.close();
    expect(lines).toContainEqual({ level: 'info', obj: expect.objectContaining({ backend: 'sqlite', modelId: 'compose-model' }), msg: 'registry loaded' });
  });

  test('keeps people, keys and the audit trail in one SQLite file, in WAL mode, at the latest schema', async () => {
    const registry = await createRegistry({ dataDir, modelId: 'compose-model', dim: 16 });
    try {
      await registry.addPerson({ name: 'One' });
      await registry.keys.create('one', 'enroll');
      expect(fs.readdirSync(dataDir).filter((f) => !f.endsWith('-wal') && !f.endsWith('-shm'))).toEqual(['facerec.db']);
    } finally {
      await registry.close();
    }
    const db = new Database(path.join(dataDir, 'facerec.db'), { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
      expect(tables).toEqual(expect.arrayContaining(['api_key', 'audit_entry', 'person', 'template']));
      expect(tables).not.toContain('api_keys');
      expect(db.prepare('SELECT max(version) FROM schema_migration').pluck().get()).toBe(latestVersion(SQLITE_MIGRATIONS));
      expect(db.prepare('SELECT count(*) FROM api_key').pluck().get()).toBe(1);
      expect(db.prepare('SELECT action FROM audit_entry ORDER BY seq').pluck().all()).toEqual(['person.create', 'key.create']);
    } finally {
      db.close();
    }
  });
});
