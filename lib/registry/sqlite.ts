/**
 * The default backend: one SQLite file (better-sqlite3, WAL) in the data folder, for a single
 * server process. better-sqlite3 is synchronous, so every method below runs its transaction
 * to the end without yielding: no other call can interleave with a write.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { AuditFilter, AuditRecord, StoredAuditRecord } from './audit';
import type { ApiKeyInfo, KeyRecord, Role } from './keys';
import type { PersonSnapshot } from './search-index';
import { migrationsAfter } from './migrations/migration';
import { SQLITE_MIGRATIONS } from './migrations/sqlite';
import { RegistryError, type Person, type Template, type TemplateSource } from './registry';
import { prepareAuditStatements } from './sqlite-audit';
import { prepareKeyStatements } from './sqlite-keys';
import { SqliteSightings } from './sightings-sqlite';
import type { IndexLoader, PersonDump, PersonPatchRecord, PersonRecord, RegistryStore, TemplateRecord } from './store';
import { bytesToEmbedding, embeddingToBytes, nowIso, type PageCursor } from './validate';

export const SQLITE_FILE_NAME = 'facerec.db';

/** People staged per transaction while importing. */
const IMPORT_BATCH = 500;
/** People read per query while exporting. */
const EXPORT_PAGE = 500;

interface PersonRow {
  id: string;
  name: string;
  name_key: string;
  external_id: string | null;
  metadata: string | null;
  created_at: string;
  updated_at: string;
  template_count: number;
}

interface TemplateRow {
  id: string;
  person_id: string;
  model_id: string;
  quality: number;
  source: TemplateSource;
  created_at: string;
  has_crop: number;
}

interface DumpTemplateRow {
  id: string;
  person_id: string;
  model_id: string;
  embedding: Buffer;
  quality: number;
  source: TemplateSource;
  created_at: string;
  jpeg: Buffer | null;
}

const PERSON_COLUMNS = `p.id, p.name, p.name_key, p.external_id, p.metadata, p.created_at, p.updated_at,
  (SELECT count(*) FROM template t WHERE t.person_id = p.id) AS template_count`;
const TEMPLATE_COLUMNS = `t.id, t.person_id, t.model_id, t.quality, t.source, t.created_at,
  (SELECT count(*) FROM template_crop c WHERE c.template_id = t.id) AS has_crop`;

function toPerson(row: PersonRow): Person {
  return {
    id: row.id,
    name: row.name,
    externalId: row.external_id,
    metadata: row.metadata === null ? null : (JSON.parse(row.metadata) as Record<string, unknown>),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    templateCount: row.template_count,
  };
}

function toTemplate(row: TemplateRow): Template {
  return {
    id: row.id,
    personId: row.person_id,
    modelId: row.model_id,
    quality: row.quality,
    source: row.source,
    createdAt: row.created_at,
    hasCrop: row.has_crop > 0,
  };
}

function toDumpTemplate(row: DumpTemplateRow): TemplateRecord {
  return {
    id: row.id,
    personId: row.person_id,
    modelId: row.model_id,
    embedding: bytesToEmbedding(row.embedding),
    quality: row.quality,
    source: row.source,
    createdAt: row.created_at,
    crop: row.jpeg === null ? null : new Uint8Array(row.jpeg),
  };
}

/** Maps constraint failures to catalogued errors; rethrows anything else. */
function mapSqliteError(e: unknown): never {
  const code = (e as { code?: string }).code;
  const message = e instanceof Error ? e.message : String(e);
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' && message.includes('external_id')) {
    throw new RegistryError('conflict', 'externalId is already used by another person');
  }
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') {
    throw new RegistryError('conflict', `an id is already taken (${message})`);
  }
  throw e;
}

/** Opens (creating if needed) and migrates a SQLite database with the settings every connection needs. */
function openDatabase(file: string): Database.Database {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    // FULL: an acknowledged write survives power loss too, not only a crash of the process.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // Deleted people's rows are overwritten with zeros, not just unlinked (see deletePerson).
    db.pragma('secure_delete = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, file);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

function migrate(db: Database.Database, file: string): void {
  db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT');
    const current = (db.prepare('SELECT coalesce(max(version), 0) FROM schema_migration').pluck().get() as number) ?? 0;
    for (const m of migrationsAfter(current, SQLITE_MIGRATIONS, file)) {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migration (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, nowIso());
    }
  }).immediate();
}

/** Every statement the store runs, prepared once per connection. */
function prepareStatements(db: Database.Database) {
  return {
    insertPerson: db.prepare(
      `INSERT INTO person (id, name, name_key, external_id, metadata, created_at, updated_at)
       VALUES (@id, @name, @nameKey, @externalId, @metadata, @createdAt, @updatedAt)`,
    ),
    insertTemplate: db.prepare(
      `INSERT INTO template (id, person_id, model_id, embedding, quality, source, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertCrop: db.prepare('INSERT INTO template_crop (template_id, jpeg) VALUES (?, ?)'),
    personName: db.prepare('SELECT name FROM person WHERE id = ?').pluck(),
    touchPerson: db.prepare('UPDATE person SET updated_at = ? WHERE id = ?'),
    updatePerson: db.prepare(
      `UPDATE person SET
         name = CASE WHEN @setName THEN @name ELSE name END,
         name_key = CASE WHEN @setName THEN @nameKey ELSE name_key END,
         external_id = CASE WHEN @setExternalId THEN @externalId ELSE external_id END,
         metadata = CASE WHEN @setMetadata THEN @metadata ELSE metadata END,
         updated_at = @updatedAt
       WHERE id = @id`,
    ),
    deletePerson: db.prepare('DELETE FROM person WHERE id = ?'),
    templateModel: db.prepare('SELECT model_id FROM template WHERE id = ? AND person_id = ?').pluck(),
    deleteTemplate: db.prepare('DELETE FROM template WHERE id = ?'),
    getPerson: db.prepare(`SELECT ${PERSON_COLUMNS} FROM person p WHERE p.id = ?`),
    personTemplates: db.prepare(`SELECT ${TEMPLATE_COLUMNS} FROM template t WHERE t.person_id = ? ORDER BY t.created_at, t.id`),
    listPeople: db.prepare(
      `SELECT ${PERSON_COLUMNS} FROM person p
       WHERE (@afterKey IS NULL OR (p.name_key, p.id) > (@afterKey, @afterId))
         AND (@nameQuery IS NULL OR instr(p.name_key, @nameQuery) > 0 OR p.external_id = @externalId)
       ORDER BY p.name_key, p.id
       LIMIT @limit`,
    ),
    getCrop: db.prepare('SELECT jpeg FROM template_crop WHERE template_id = ?').pluck(),
    countTemplates: db.prepare('SELECT count(*) FROM template WHERE model_id = ?').pluck(),
    allPeople: db.prepare('SELECT id, name FROM person').raw(),
    modelTemplates: db.prepare('SELECT person_id, id, embedding FROM template WHERE model_id = ?').raw(),
    staleCounts: db.prepare('SELECT person_id, count(*) FROM template WHERE model_id <> ? GROUP BY person_id').raw(),
    snapshotTemplates: db.prepare('SELECT id, embedding FROM template WHERE person_id = ? AND model_id = ? ORDER BY created_at, id').raw(),
    snapshotStale: db.prepare('SELECT count(*) FROM template WHERE person_id = ? AND model_id <> ?').pluck(),
  };
}

export class SqliteStore implements RegistryStore {
  readonly kind = 'sqlite';
  readonly file: string;
  private readonly db: Database.Database;
  private readonly statements: ReturnType<typeof prepareStatements>;
  private readonly audit: ReturnType<typeof prepareAuditStatements>;
  private readonly keys: ReturnType<typeof prepareKeyStatements>;
  private importing = false;
  readonly sightings: SqliteSightings;

  constructor(file: string) {
    this.file = file;
    this.db = openDatabase(file);
    this.statements = prepareStatements(this.db);
    this.audit = prepareAuditStatements(this.db);
    this.keys = prepareKeyStatements(this.db);
    this.sightings = new SqliteSightings(this.db);
  }

  private writeTemplates(templates: TemplateRecord[]): void {
    for (const t of templates) {
      this.statements.insertTemplate.run(t.id, t.personId, t.modelId, embeddingToBytes(t.embedding), t.quality, t.source, t.createdAt);
      if (t.crop) this.statements.insertCrop.run(t.id, t.crop);
    }
  }

  /**
   * Moves the write-ahead log into the database file and empties it, so the pages a deletion
   * zeroed (secure_delete) replace the old ones on disk and no earlier copy stays in the log.
   * Best effort: an open export snapshot can hold part of the log back until it ends.
   */
  private flushLog(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  async countTemplates(modelId: string): Promise<number> {
    return this.statements.countTemplates.get(modelId) as number;
  }

  async loadIndex(modelId: string, index: IndexLoader): Promise<void> {
    const s = this.statements;
    this.db.transaction(() => {
      for (const [id, name] of s.allPeople.iterate() as IterableIterator<[string, string]>) index.upsertPerson(id, name);
      for (const [personId, id, embedding] of s.modelTemplates.iterate(modelId) as IterableIterator<[string, string, Buffer]>) {
        index.addTemplate(personId, id, bytesToEmbedding(embedding));
      }
      for (const [personId, count] of s.staleCounts.iterate(modelId) as IterableIterator<[string, number]>) index.setStaleCount(personId, count);
    })();
  }

  async loadPersonSnapshot(personId: string, modelId: string): Promise<PersonSnapshot | null> {
    const s = this.statements;
    return this.db.transaction(() => {
      const name = s.personName.get(personId) as string | undefined;
      if (name === undefined) return null;
      const rows = s.snapshotTemplates.all(personId, modelId) as [string, Buffer][];
      return {
        id: personId,
        name,
        templates: rows.map(([id, embedding]) => ({ id, embedding: bytesToEmbedding(embedding) })),
        staleCount: s.snapshotStale.get(personId, modelId) as number,
      };
    })();
  }

  async insertPerson(person: PersonRecord, templates: TemplateRecord[], audit: readonly AuditRecord[]): Promise<void> {
    try {
      this.db.transaction(() => {
        this.statements.insertPerson.run(person);
        this.writeTemplates(templates);
        this.audit.append(audit);
      })();
    } catch (e) {
      mapSqliteError(e);
    }
  }

  async updatePerson(id: string, patch: PersonPatchRecord, updatedAt: string, audit: AuditRecord): Promise<Person | null> {
    try {
      return this.db.transaction(() => {
        const changed = this.statements.updatePerson.run({
          id,
          updatedAt,
          setName: patch.name !== undefined ? 1 : 0,
          name: patch.name ?? null,
          nameKey: patch.nameKey ?? null,
          setExternalId: patch.externalId !== undefined ? 1 : 0,
          externalId: patch.externalId ?? null,
          setMetadata: patch.metadata !== undefined ? 1 : 0,
          metadata: patch.metadata ?? null,
        }).changes;
        if (changed === 0) return null;
        this.audit.append([audit]);
        return toPerson(this.statements.getPerson.get(id) as PersonRow);
      })();
    } catch (e) {
      mapSqliteError(e);
    }
  }

  async deletePerson(id: string, audit: AuditRecord): Promise<boolean> {
    const deleted = this.db.transaction(() => {
      if (this.statements.deletePerson.run(id).changes === 0) return false;
      this.audit.erasePerson(id);
      this.audit.append([audit]);
      return true;
    })();
    if (deleted) this.flushLog();
    return deleted;
  }

  async insertTemplates(personId: string, templates: TemplateRecord[], updatedAt: string, audit: readonly AuditRecord[]): Promise<{ name: string } | null> {
    try {
      return this.db.transaction(() => {
        const name = this.statements.personName.get(personId) as string | undefined;
        if (name === undefined) return null;
        this.writeTemplates(templates);
        this.statements.touchPerson.run(updatedAt, personId);
        this.audit.append(audit);
        return { name };
      })();
    } catch (e) {
      mapSqliteError(e);
    }
  }

  async deleteTemplate(personId: string, templateId: string, updatedAt: string, audit: AuditRecord): Promise<{ modelId: string } | null> {
    const removed = this.db.transaction(() => {
      const modelId = this.statements.templateModel.get(templateId, personId) as string | undefined;
      if (modelId === undefined) return null;
      this.statements.deleteTemplate.run(templateId);
      this.statements.touchPerson.run(updatedAt, personId);
      this.audit.append([audit]);
      return { modelId };
    })();
    if (removed) this.flushLog();
    return removed;
  }

  async getPerson(id: string): Promise<{ person: Person; templates: Template[] } | null> {
    return this.db.transaction(() => {
      const row = this.statements.getPerson.get(id) as PersonRow | undefined;
      if (!row) return null;
      const person = toPerson(row);
      const templates = (this.statements.personTemplates.all(id) as TemplateRow[]).map(toTemplate);
      return { person, templates };
    })();
  }

  async listPeople(opts: { limit: number; after: PageCursor | null; nameQuery: string | null; externalId: string | null }) {
    const rows = this.statements.listPeople.all({
      afterKey: opts.after?.nameKey ?? null,
      afterId: opts.after?.id ?? null,
      nameQuery: opts.nameQuery,
      externalId: opts.externalId,
      limit: opts.limit,
    }) as PersonRow[];
    return rows.map((row) => ({ person: toPerson(row), nameKey: row.name_key }));
  }

  async getCrop(templateId: string): Promise<Uint8Array | null> {
    const jpeg = this.statements.getCrop.get(templateId) as Buffer | undefined;
    return jpeg ? new Uint8Array(jpeg) : null;
  }

  /**
   * Reads through a second, read-only connection inside one read transaction: WAL gives it a
   * fixed snapshot while writers carry on, and the main connection is never held busy between
   * the pages the consumer awaits.
   */
  async *exportPeople(): AsyncIterable<PersonDump> {
    const reader = new Database(this.file, { readonly: true, fileMustExist: true });
    try {
      reader.exec('BEGIN');
      const page = reader.prepare('SELECT id, name, name_key, external_id, metadata, created_at, updated_at FROM person WHERE id > ? ORDER BY id LIMIT ?');
      const templates = reader.prepare(
        `SELECT t.id, t.person_id, t.model_id, t.embedding, t.quality, t.source, t.created_at, c.jpeg
         FROM template t LEFT JOIN template_crop c ON c.template_id = t.id
         WHERE t.person_id = ? ORDER BY t.created_at, t.id`,
      );
      let after = '';
      for (;;) {
        const people = page.all(after, EXPORT_PAGE) as Omit<PersonRow, 'template_count'>[];
        if (people.length === 0) break;
        for (const p of people) {
          yield {
            person: {
              id: p.id,
              name: p.name,
              nameKey: p.name_key,
              externalId: p.external_id,
              metadata: p.metadata,
              createdAt: p.created_at,
              updatedAt: p.updated_at,
            },
            templates: (templates.all(p.id) as DumpTemplateRow[]).map(toDumpTemplate),
          };
        }
        after = people[people.length - 1].id;
      }
      reader.exec('COMMIT');
    } finally {
      reader.close();
    }
  }

  /**
   * Stages the incoming people in temporary tables (private to this connection, so other
   * writes go on between batches), then copies them into the real tables in one transaction.
   */
  async importPeople(
    people: AsyncIterable<PersonDump>,
    audit: (counts: { people: number; templates: number }) => AuditRecord,
  ): Promise<{ people: number; templates: number }> {
    // The staging tables are per connection: two imports at once would mix their rows.
    if (this.importing) throw new RegistryError('conflict', 'another import is running; try again when it has finished');
    this.importing = true;
    try {
      return await this.stageAndCopy(people, audit);
    } finally {
      this.importing = false;
    }
  }

  private async stageAndCopy(
    people: AsyncIterable<PersonDump>,
    audit: (counts: { people: number; templates: number }) => AuditRecord,
  ): Promise<{ people: number; templates: number }> {
    const db = this.db;
    db.exec(`
      DROP TABLE IF EXISTS temp.import_person;
      DROP TABLE IF EXISTS temp.import_template;
      DROP TABLE IF EXISTS temp.import_crop;
      CREATE TEMP TABLE import_person AS SELECT * FROM main.person WHERE 0;
      CREATE TEMP TABLE import_template AS SELECT * FROM main.template WHERE 0;
      CREATE TEMP TABLE import_crop AS SELECT * FROM main.template_crop WHERE 0;
      CREATE UNIQUE INDEX temp.import_person_id ON import_person (id);
      CREATE UNIQUE INDEX temp.import_person_external_id ON import_person (external_id);
      CREATE UNIQUE INDEX temp.import_template_id ON import_template (id);
    `);
    try {
      const stagePerson = db.prepare(
        `INSERT INTO temp.import_person (id, name, name_key, external_id, metadata, created_at, updated_at)
         VALUES (@id, @name, @nameKey, @externalId, @metadata, @createdAt, @updatedAt)`,
      );
      const stageTemplate = db.prepare(
        'INSERT INTO temp.import_template (id, person_id, model_id, embedding, quality, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      );
      const stageCrop = db.prepare('INSERT INTO temp.import_crop (template_id, jpeg) VALUES (?, ?)');
      const stage = db.transaction((batch: PersonDump[]) => {
        for (const { person, templates } of batch) {
          stagePerson.run(person);
          for (const t of templates) {
            stageTemplate.run(t.id, t.personId, t.modelId, embeddingToBytes(t.embedding), t.quality, t.source, t.createdAt);
            if (t.crop) stageCrop.run(t.id, t.crop);
          }
        }
      });
      let counts = { people: 0, templates: 0 };
      let batch: PersonDump[] = [];
      const flush = () => {
        try {
          stage(batch);
        } catch (e) {
          mapSqliteError(e);
        }
        batch = [];
      };
      for await (const dump of people) {
        batch.push(dump);
        counts = { people: counts.people + 1, templates: counts.templates + dump.templates.length };
        if (batch.length >= IMPORT_BATCH) flush();
      }
      flush();
      try {
        db.transaction(() => {
          db.exec(`
            INSERT INTO main.person SELECT * FROM temp.import_person;
            INSERT INTO main.template SELECT * FROM temp.import_template;
            INSERT INTO main.template_crop SELECT * FROM temp.import_crop;
          `);
          this.audit.append([audit(counts)]);
        }).immediate();
      } catch (e) {
        mapSqliteError(e);
      }
      return counts;
    } finally {
      db.exec('DROP TABLE IF EXISTS temp.import_person; DROP TABLE IF EXISTS temp.import_template; DROP TABLE IF EXISTS temp.import_crop;');
    }
  }

  // ---- API keys ----

  async insertKey(key: KeyRecord, audit: AuditRecord): Promise<void> {
    try {
      this.db.transaction(() => {
        this.keys.insert(key);
        this.audit.append([audit]);
      })();
    } catch (e) {
      mapSqliteError(e);
    }
  }

  async listKeys(): Promise<ApiKeyInfo[]> {
    return this.keys.list();
  }

  async revokeKey(id: string, revokedAt: string, audit: AuditRecord): Promise<boolean> {
    return this.db.transaction(() => {
      if (!this.keys.revoke(id, revokedAt)) return false;
      this.audit.append([audit]);
      return true;
    })();
  }

  async findKey(hash: string): Promise<KeyRecord | null> {
    return this.keys.find(hash);
  }

  async touchKey(id: string, usedAt: string): Promise<void> {
    this.keys.touch(id, usedAt);
  }

  async countKeys(role: Role): Promise<number> {
    return this.keys.count(role);
  }

  // ---- audit trail ----

  async appendAudit(record: AuditRecord): Promise<StoredAuditRecord> {
    return this.db.transaction(() => this.audit.append([record])[0])();
  }

  async listAudit(filter: AuditFilter): Promise<StoredAuditRecord[]> {
    return this.audit.list(filter);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
