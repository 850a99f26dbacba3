/**
 * The shared backend: PostgreSQL (node-postgres), chosen by FACEREC_DATABASE_URL, for any
 * number of server instances. Every write sends a notification on one channel *inside* its
 * transaction, so PostgreSQL delivers it exactly when the write commits; each instance LISTENs
 * on a dedicated connection and re-reads the person named. Notifications are not queued for a
 * connection that is down, so after a reconnect the listener asks for a full resync.
 */
import { randomUUID } from 'node:crypto';
import { Client, Pool, type PoolClient, type QueryResult } from 'pg';
import type { AuditFilter, AuditRecord, StoredAuditRecord } from './audit';
import type { ApiKeyInfo, KeyRecord, Role } from './keys';
import type { PersonSnapshot } from './search-index';
import { migrationsAfter } from './migrations/migration';
import { POSTGRES_MIGRATIONS } from './migrations/postgres';
import { appendAudit, erasePersonAudit, listAudit } from './postgres-audit';
import * as keys from './postgres-keys';
import { RegistryError, type Person, type Template, type TemplateSource } from './registry';
import { PostgresSightings } from './sightings-postgres';
import {
  SILENT_LOGGER,
  type IndexLoader,
  type PersonDump,
  type PersonPatchRecord,
  type PersonRecord,
  type RegistryLogger,
  type RegistryStore,
  type RemoteChange,
  type TemplateRecord,
} from './store';
import { bytesToEmbedding, embeddingToBytes, nowIso, type PageCursor } from './validate';

export const NOTIFY_CHANNEL = 'facerec_registry';
/** application_name of the LISTEN connection (visible in pg_stat_activity). */
export const LISTEN_APPLICATION_NAME = 'facerec-registry-listen';
/** pg_advisory_xact_lock key serialising migrations of instances starting together. */
const MIGRATION_LOCK_KEY = 4_127_733_019;
/** Rows per query when loading the index or exporting. */
const LOAD_PAGE = 10_000;
const EXPORT_PAGE = 500;
const IMPORT_BATCH = 500;
/** Reconnect delays of the LISTEN connection, ms: doubling from the first to the last. */
const RECONNECT_FIRST_MS = 100;
const RECONNECT_MAX_MS = 5_000;

export interface PostgresStoreOptions {
  url: string;
  log?: RegistryLogger;
  /** Pool size of the query connections (the LISTEN connection is extra). */
  poolSize?: number;
}

interface PersonRow {
  id: string;
  name: string;
  name_key: string;
  external_id: string | null;
  metadata: Record<string, unknown> | null;
  created_at: Date;
  updated_at: Date;
  template_count: number;
}

interface TemplateRow {
  id: string;
  person_id: string;
  model_id: string;
  quality: number;
  source: TemplateSource;
  created_at: Date;
  has_crop: boolean;
}

/** Notification payload: who wrote (to skip our own) and which person, or everything. */
interface ChangeMessage {
  origin: string;
  personId?: string;
  all?: true;
}

const PERSON_COLUMNS = `p.id, p.name, p.name_key, p.external_id, p.metadata, p.created_at, p.updated_at,
  (SELECT count(*) FROM facerec_template t WHERE t.person_id = p.id)::int AS template_count`;
const TEMPLATE_COLUMNS = `t.id, t.person_id, t.model_id, t.quality, t.source, t.created_at,
  EXISTS (SELECT 1 FROM facerec_template_crop c WHERE c.template_id = t.id) AS has_crop`;

function toPerson(row: PersonRow): Person {
  return {
    id: row.id,
    name: row.name,
    externalId: row.external_id,
    metadata: row.metadata,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
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
    createdAt: row.created_at.toISOString(),
    hasCrop: row.has_crop,
  };
}

function mapPgError(e: unknown): never {
  const { code, constraint } = e as { code?: string; constraint?: string };
  if (code === '23505') {
    if (constraint === 'facerec_person_external_id_key') throw new RegistryError('conflict', 'externalId is already used by another person');
    throw new RegistryError('conflict', `an id is already taken (${constraint ?? 'unique constraint'})`);
  }
  throw e;
}

export class PostgresStore implements RegistryStore {
  readonly kind = 'postgres';
  private readonly url: string;
  private readonly pool: Pool;
  private readonly log: RegistryLogger;
  /** Tags this instance's notifications so it can skip them (it has applied its own writes). */
  private readonly origin = randomUUID();
  private listener: Client | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private reconnectAttempts = 0;
  private changeListener: ((change: RemoteChange) => void) | null = null;
  private closed = false;
  readonly sightings: PostgresSightings;

  private constructor(opts: PostgresStoreOptions) {
    this.url = opts.url;
    this.log = opts.log ?? SILENT_LOGGER;
    this.pool = new Pool({ connectionString: opts.url, max: opts.poolSize ?? 4 });
    // An idle pooled connection that dies is replaced on next use; log, don't crash.
    this.pool.on('error', (err) => this.log.warn({ err }, 'registry: idle PostgreSQL connection failed'));
    this.sightings = new PostgresSightings(this.pool);
  }

  /** Connects, migrates, and starts listening for other instances' writes. */
  static async open(opts: PostgresStoreOptions): Promise<PostgresStore> {
    const store = new PostgresStore(opts);
    try {
      await store.migrate();
      await store.connectListener();
    } catch (e) {
      await store.close();
      throw e;
    }
    return store;
  }

  private async migrate(): Promise<void> {
    await this.transaction(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      await c.query(
        'CREATE TABLE IF NOT EXISTS facerec_schema_migration (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)',
      );
      const { rows } = await c.query<{ version: number }>('SELECT coalesce(max(version), 0)::int AS version FROM facerec_schema_migration');
      const where = `PostgreSQL database ${new URL(this.url).pathname.slice(1) || '(default)'}`;
      for (const m of migrationsAfter(rows[0].version, POSTGRES_MIGRATIONS, where)) {
        await c.query(m.sql);
        await c.query('INSERT INTO facerec_schema_migration (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, nowIso()]);
      }
    });
  }

  // ---- notifications ----

  onRemoteChange(listener: (change: RemoteChange) => void): void {
    this.changeListener = listener;
  }

  private async connectListener(): Promise<void> {
    const client = new Client({ connectionString: this.url, application_name: LISTEN_APPLICATION_NAME, keepAlive: true });
    let connected = false;
    let lost = false;
    const onLost = (err?: Error) => {
      if (!connected || lost) return;
      lost = true;
      if (this.listener === client) this.listener = null;
      client.end().catch(() => {});
      if (this.closed) return;
      this.log.warn({ err }, 'registry: lost the PostgreSQL notification connection; reconnecting');
      this.scheduleReconnect();
    };
    // Attached before connecting: an 'error' event without a handler would crash the process.
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (msg) => this.handleNotification(msg.payload));
    try {
      await client.connect();
      await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
    } catch (e) {
      client.end().catch(() => {});
      throw e;
    }
    connected = true;
    if (this.closed) {
      await client.end().catch(() => {});
      return;
    }
    this.listener = client;
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    const delayMs = Math.min(RECONNECT_MAX_MS, RECONNECT_FIRST_MS * 2 ** this.reconnectAttempts++);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connectListener().then(
        () => {
          this.reconnectAttempts = 0;
          // Writes committed while no one listened were not delivered: re-read everything.
          if (!this.closed) this.changeListener?.({ all: true });
        },
        (err: unknown) => {
          this.log.warn({ err }, 'registry: PostgreSQL notification connection failed; retrying');
          this.scheduleReconnect();
        },
      );
    }, delayMs);
  }

  private handleNotification(payload: string | undefined): void {
    let message: ChangeMessage;
    try {
      message = JSON.parse(payload ?? '') as ChangeMessage;
    } catch {
      this.changeListener?.({ all: true }); // not ours to read: be safe
      return;
    }
    if (message.origin === this.origin) return;
    if (message.personId) this.changeListener?.({ personId: message.personId });
    else this.changeListener?.({ all: true });
  }

  /** Queued with the transaction: delivered to every listener when (and only if) it commits. */
  private async notify(c: PoolClient, change: { personId: string } | { all: true }): Promise<void> {
    const message: ChangeMessage = { origin: this.origin, ...change };
    await c.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, JSON.stringify(message)]);
  }

  // ---- helpers ----

  private async transaction<T>(work: (c: PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query(begin);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw e;
    } finally {
      client.release(broken);
    }
  }

  private async insertTemplateRows(c: PoolClient, templates: TemplateRecord[]): Promise<void> {
    if (templates.length === 0) return;
    await c.query(
      `INSERT INTO facerec_template (id, person_id, model_id, embedding, quality, source, created_at)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::bytea[], $5::float8[], $6::text[], $7::timestamptz[])`,
      [
        templates.map((t) => t.id),
        templates.map((t) => t.personId),
        templates.map((t) => t.modelId),
        templates.map((t) => embeddingToBytes(t.embedding)),
        templates.map((t) => t.quality),
        templates.map((t) => t.source),
        templates.map((t) => t.createdAt),
      ],
    );
    const withCrop = templates.filter((t) => t.crop !== null);
    if (withCrop.length > 0) {
      await c.query('INSERT INTO facerec_template_crop (template_id, jpeg) SELECT * FROM unnest($1::uuid[], $2::bytea[])', [
        withCrop.map((t) => t.id),
        withCrop.map((t) => Buffer.from(t.crop as Uint8Array)),
      ]);
    }
  }

  private async insertPersonRows(c: PoolClient, people: PersonRecord[]): Promise<void> {
    await c.query(
      `INSERT INTO facerec_person (id, name, name_key, external_id, metadata, created_at, updated_at)
       SELECT id, name, name_key, external_id, metadata::json, created_at, updated_at
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[])
         AS u (id, name, name_key, external_id, metadata, created_at, updated_at)`,
      [
        people.map((p) => p.id),
        people.map((p) => p.name),
        people.map((p) => p.nameKey),
        people.map((p) => p.externalId),
        people.map((p) => p.metadata),
        people.map((p) => p.createdAt),
        people.map((p) => p.updatedAt),
      ],
    );
  }

  // ---- index loading ----

  async countTemplates(modelId: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM facerec_template WHERE model_id = $1', [modelId]);
    return Number(rows[0].n);
  }

  async loadIndex(modelId: string, index: IndexLoader): Promise<void> {
    await this.transaction(async (c) => {
      for (let after: string | null = null; ; ) {
        const { rows }: QueryResult<{ id: string; name: string }> = await c.query(
          'SELECT id, name FROM facerec_person WHERE ($1::uuid IS NULL OR id > $1::uuid) ORDER BY id LIMIT $2',
          [after, LOAD_PAGE],
        );
        for (const r of rows) index.upsertPerson(r.id, r.name);
        if (rows.length < LOAD_PAGE) break;
        after = rows[rows.length - 1].id;
      }
      for (let after: string | null = null; ; ) {
        const { rows }: QueryResult<{ id: string; person_id: string; embedding: Buffer }> = await c.query(
          `SELECT id, person_id, embedding FROM facerec_template
           WHERE model_id = $1 AND ($2::uuid IS NULL OR id > $2::uuid) ORDER BY id LIMIT $3`,
          [modelId, after, LOAD_PAGE],
        );
        for (const r of rows) index.addTemplate(r.person_id, r.id, bytesToEmbedding(r.embedding));
        if (rows.length < LOAD_PAGE) break;
        after = rows[rows.length - 1].id;
      }
      const stale = await c.query<{ person_id: string; n: number }>(
        'SELECT person_id, count(*)::int AS n FROM facerec_template WHERE model_id <> $1 GROUP BY person_id',
        [modelId],
      );
      for (const r of stale.rows) index.setStaleCount(r.person_id, r.n);
    }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  async loadPersonSnapshot(personId: string, modelId: string): Promise<PersonSnapshot | null> {
    // One statement, so name, templates and stale count come from one snapshot.
    const { rows } = await this.pool.query<{ name: string; template_id: string | null; embedding: Buffer | null; stale: number }>(
      `SELECT p.name, t.id AS template_id, t.embedding,
         (SELECT count(*) FROM facerec_template s WHERE s.person_id = p.id AND s.model_id <> $2)::int AS stale
       FROM facerec_person p LEFT JOIN facerec_template t ON t.person_id = p.id AND t.model_id = $2
       WHERE p.id = $1 ORDER BY t.created_at, t.id`,
      [personId, modelId],
    );
    if (rows.length === 0) return null;
    return {
      id: personId,
      name: rows[0].name,
      templates: rows.filter((r) => r.template_id !== null).map((r) => ({ id: r.template_id as string, embedding: bytesToEmbedding(r.embedding as Buffer) })),
      staleCount: rows[0].stale,
    };
  }

  // ---- writes ----

  async insertPerson(person: PersonRecord, templates: TemplateRecord[], audit: readonly AuditRecord[]): Promise<void> {
    try {
      await this.transaction(async (c) => {
        await this.insertPersonRows(c, [person]);
        await this.insertTemplateRows(c, templates);
        await appendAudit(c, audit);
        await this.notify(c, { personId: person.id });
      });
    } catch (e) {
      mapPgError(e);
    }
  }

  async updatePerson(id: string, patch: PersonPatchRecord, updatedAt: string, audit: AuditRecord): Promise<Person | null> {
    try {
      return await this.transaction(async (c) => {
        const updated = await c.query(
          `UPDATE facerec_person SET
             name = CASE WHEN $2 THEN $3 ELSE name END,
             name_key = CASE WHEN $2 THEN $4 ELSE name_key END,
             external_id = CASE WHEN $5 THEN $6 ELSE external_id END,
             metadata = CASE WHEN $7 THEN $8::json ELSE metadata END,
             updated_at = $9
           WHERE id = $1`,
          [
            id,
            patch.name !== undefined,
            patch.name ?? null,
            patch.nameKey ?? null,
            patch.externalId !== undefined,
            patch.externalId ?? null,
            patch.metadata !== undefined,
            patch.metadata ?? null,
            updatedAt,
          ],
        );
        if (updated.rowCount === 0) return null;
        await appendAudit(c, [audit]);
        const { rows } = await c.query<PersonRow>(`SELECT ${PERSON_COLUMNS} FROM facerec_person p WHERE p.id = $1`, [id]);
        await this.notify(c, { personId: id });
        return toPerson(rows[0]);
      });
    } catch (e) {
      mapPgError(e);
    }
  }

  async deletePerson(id: string, audit: AuditRecord): Promise<boolean> {
    return this.transaction(async (c) => {
      const deleted = await c.query('DELETE FROM facerec_person WHERE id = $1', [id]);
      if (deleted.rowCount === 0) return false;
      await erasePersonAudit(c, id);
      await appendAudit(c, [audit]);
      await this.notify(c, { personId: id });
      return true;
    });
  }

  async insertTemplates(personId: string, templates: TemplateRecord[], updatedAt: string, audit: readonly AuditRecord[]): Promise<{ name: string } | null> {
    try {
      return await this.transaction(async (c) => {
        // Locks the person: a concurrent delete waits for this enrollment, or this one sees it gone.
        const { rows } = await c.query<{ name: string }>('SELECT name FROM facerec_person WHERE id = $1 FOR UPDATE', [personId]);
        if (rows.length === 0) return null;
        await this.insertTemplateRows(c, templates);
        await c.query('UPDATE facerec_person SET updated_at = $2 WHERE id = $1', [personId, updatedAt]);
        await appendAudit(c, audit);
        await this.notify(c, { personId });
        return { name: rows[0].name };
      });
    } catch (e) {
      mapPgError(e);
    }
  }

  async deleteTemplate(personId: string, templateId: string, updatedAt: string, audit: AuditRecord): Promise<{ modelId: string } | null> {
    return this.transaction(async (c) => {
      const { rows } = await c.query<{ model_id: string }>(
        'DELETE FROM facerec_template WHERE id = $1 AND person_id = $2 RETURNING model_id',
        [templateId, personId],
      );
      if (rows.length === 0) return null;
      await c.query('UPDATE facerec_person SET updated_at = $2 WHERE id = $1', [personId, updatedAt]);
      await appendAudit(c, [audit]);
      await this.notify(c, { personId });
      return { modelId: rows[0].model_id };
    });
  }

  // ---- reads ----

  async getPerson(id: string): Promise<{ person: Person; templates: Template[] } | null> {
    return this.transaction(async (c) => {
      const person = await c.query<PersonRow>(`SELECT ${PERSON_COLUMNS} FROM facerec_person p WHERE p.id = $1`, [id]);
      if (person.rows.length === 0) return null;
      const templates = await c.query<TemplateRow>(
        `SELECT ${TEMPLATE_COLUMNS} FROM facerec_template t WHERE t.person_id = $1 ORDER BY t.created_at, t.id`,
        [id],
      );
      return { person: toPerson(person.rows[0]), templates: templates.rows.map(toTemplate) };
    }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  async listPeople(opts: { limit: number; after: PageCursor | null; nameQuery: string | null; externalId: string | null }) {
    const { rows } = await this.pool.query<PersonRow>(
      `SELECT ${PERSON_COLUMNS} FROM facerec_person p
       WHERE ($1::text IS NULL OR (p.name_key, p.id) > ($1::text COLLATE "C", $2::uuid))
         AND ($3::text IS NULL OR strpos(p.name_key, $3::text) > 0 OR p.external_id = $4::text)
       ORDER BY p.name_key, p.id
       LIMIT $5`,
      [opts.after?.nameKey ?? null, opts.after?.id ?? null, opts.nameQuery, opts.externalId, opts.limit],
    );
    return rows.map((row) => ({ person: toPerson(row), nameKey: row.name_key }));
  }

  async getCrop(templateId: string): Promise<Uint8Array | null> {
    const { rows } = await this.pool.query<{ jpeg: Buffer }>('SELECT jpeg FROM facerec_template_crop WHERE template_id = $1', [templateId]);
    return rows.length === 0 ? null : new Uint8Array(rows[0].jpeg);
  }

  // ---- export / import ----

  /** Pages through one REPEATABLE READ snapshot on a connection of its own. */
  async *exportPeople(): AsyncIterable<PersonDump> {
    const c = await this.pool.connect();
    let inTransaction = false;
    let broken = false;
    try {
      await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      inTransaction = true;
      for (let after: string | null = null; ; ) {
        const people: QueryResult<Omit<PersonRow, 'template_count' | 'metadata'> & { metadata: string | null }> = await c.query(
          `SELECT id, name, name_key, external_id, metadata::text AS metadata, created_at, updated_at
           FROM facerec_person WHERE ($1::uuid IS NULL OR id > $1::uuid) ORDER BY id LIMIT $2`,
          [after, EXPORT_PAGE],
        );
        if (people.rows.length === 0) break;
        const templates = await c.query<Omit<TemplateRow, 'has_crop'> & { embedding: Buffer; jpeg: Buffer | null }>(
          `SELECT t.id, t.person_id, t.model_id, t.embedding, t.quality, t.source, t.created_at, c.jpeg
           FROM facerec_template t LEFT JOIN facerec_template_crop c ON c.template_id = t.id
           WHERE t.person_id = ANY ($1::uuid[]) ORDER BY t.person_id, t.created_at, t.id`,
          [people.rows.map((p) => p.id)],
        );
        const byPerson = new Map<string, TemplateRecord[]>();
        for (const t of templates.rows) {
          const list = byPerson.get(t.person_id) ?? [];
          list.push({
            id: t.id,
            personId: t.person_id,
            modelId: t.model_id,
            embedding: bytesToEmbedding(t.embedding),
            quality: t.quality,
            source: t.source,
            createdAt: t.created_at.toISOString(),
            crop: t.jpeg === null ? null : new Uint8Array(t.jpeg),
          });
          byPerson.set(t.person_id, list);
        }
        for (const p of people.rows) {
          yield {
            person: {
              id: p.id,
              name: p.name,
              nameKey: p.name_key,
              externalId: p.external_id,
              metadata: p.metadata,
              createdAt: p.created_at.toISOString(),
              updatedAt: p.updated_at.toISOString(),
            },
            templates: byPerson.get(p.id) ?? [],
          };
        }
        after = people.rows[people.rows.length - 1].id;
      }
      await c.query('COMMIT');
      inTransaction = false;
    } finally {
      // Also reached when the consumer stops early: end the snapshot before the pool reuses the connection.
      if (inTransaction) {
        await c.query('ROLLBACK').catch(() => {
          broken = true;
        });
      }
      c.release(broken);
    }
  }

  async importPeople(
    people: AsyncIterable<PersonDump>,
    audit: (counts: { people: number; templates: number }) => AuditRecord,
  ): Promise<{ people: number; templates: number }> {
    try {
      return await this.transaction(async (c) => {
        const counts = { people: 0, templates: 0 };
        let batch: PersonDump[] = [];
        const flush = async () => {
          if (batch.length === 0) return;
          await this.insertPersonRows(c, batch.map((d) => d.person));
          await this.insertTemplateRows(c, batch.flatMap((d) => d.templates));
          batch = [];
        };
        for await (const dump of people) {
          batch.push(dump);
          counts.people++;
          counts.templates += dump.templates.length;
          if (batch.length >= IMPORT_BATCH) await flush();
        }
        await flush();
        await appendAudit(c, [audit(counts)]);
        await this.notify(c, { all: true });
        return counts;
      });
    } catch (e) {
      mapPgError(e);
    }
  }

  // ---- API keys ----

  async insertKey(key: KeyRecord, audit: AuditRecord): Promise<void> {
    try {
      await this.transaction(async (c) => {
        await keys.insertKey(c, key);
        await appendAudit(c, [audit]);
      });
    } catch (e) {
      mapPgError(e);
    }
  }

  async listKeys(): Promise<ApiKeyInfo[]> {
    return keys.listKeys(this.pool);
  }

  async revokeKey(id: string, revokedAt: string, audit: AuditRecord): Promise<boolean> {
    return this.transaction(async (c) => {
      if (!(await keys.revokeKey(c, id, revokedAt))) return false;
      await appendAudit(c, [audit]);
      return true;
    });
  }

  async findKey(hash: string): Promise<KeyRecord | null> {
    return keys.findKey(this.pool, hash);
  }

  async touchKey(id: string, usedAt: string): Promise<void> {
    await keys.touchKey(this.pool, id, usedAt);
  }

  async countKeys(role: Role): Promise<number> {
    return keys.countKeys(this.pool, role);
  }

  // ---- audit trail ----

  async appendAudit(record: AuditRecord): Promise<StoredAuditRecord> {
    return (await appendAudit(this.pool, [record]))[0];
  }

  async listAudit(filter: AuditFilter): Promise<StoredAuditRecord[]> {
    return listAudit(this.pool, filter);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const listener = this.listener;
    this.listener = null;
    if (listener) await listener.end().catch(() => {});
    await this.pool.end();
  }
}
