/**
 * Sightings in the registry's SQLite file, on the store's own connection (better-sqlite3 is
 * synchronous: the look-up and the write of one observation run as one transaction that no
 * other call can interleave with).
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import {
  SIGHTING_MERGE_WINDOW_MS,
  checkInstant,
  checkMergeWindow,
  checkObservation,
  checkSightingsLimit,
  closedError,
  decodeSightingCursor,
  rowToSighting,
  SIGHTING_COLUMNS as COLUMNS,
  toPage,
  type Sighting,
  type SightingObservation,
  type SightingsPage,
  type SightingsRepository,
  type StoredSighting,
} from './sightings';
import { isUuid } from './validate';

type SightingRow = StoredSighting<string>;

const toSighting = (row: SightingRow): Sighting => rowToSighting(row, (t) => t);

function prepare(db: Database.Database) {
  return {
    personExists: db.prepare('SELECT 1 FROM person WHERE id = ?').pluck(),
    // ISO 8601 texts of one format order as the instants they name.
    mergeTarget: db.prepare(
      `SELECT id FROM sighting
       WHERE person_id = @personId AND key_id IS @keyId AND last_seen_at >= @from AND first_seen_at <= @to
       ORDER BY last_seen_at DESC LIMIT 1`,
    ).pluck(),
    extend: db.prepare(
      `UPDATE sighting SET
         first_seen_at = min(first_seen_at, @since), last_seen_at = max(last_seen_at, @at),
         best_similarity = max(best_similarity, @similarity), answers = answers + @answers
       WHERE id = @id`,
    ),
    insert: db.prepare(
      `INSERT INTO sighting (id, person_id, key_id, first_seen_at, last_seen_at, best_similarity, answers)
       VALUES (@id, @personId, @keyId, @since, @at, @similarity, @answers)`,
    ),
    list: db.prepare(
      `SELECT ${COLUMNS} FROM sighting
       WHERE person_id = @personId AND (@afterAt IS NULL OR (first_seen_at, id) < (@afterAt, @afterId))
       ORDER BY first_seen_at DESC, id DESC LIMIT @limit`,
    ),
    lastSeen: db.prepare(
      `SELECT person_id, max(last_seen_at) FROM sighting
       WHERE person_id IN (SELECT value FROM json_each(?)) GROUP BY person_id`,
    ).raw(),
    purge: db.prepare('DELETE FROM sighting WHERE last_seen_at < ?'),
  };
}

export class SqliteSightings implements SightingsRepository {
  private readonly db: Database.Database;
  private readonly statements: ReturnType<typeof prepare>;

  /** `db` is the registry store's connection, already migrated. */
  constructor(db: Database.Database) {
    this.db = db;
    this.statements = prepare(db);
  }

  private ensureOpen(): void {
    if (!this.db.open) throw closedError();
  }

  async record(o: SightingObservation, mergeWindowMs = SIGHTING_MERGE_WINDOW_MS): Promise<'new' | 'extended' | 'gone'> {
    this.ensureOpen();
    const { sinceMs, atMs, since, answers } = checkObservation(o);
    const windowMs = checkMergeWindow(mergeWindowMs);
    const s = this.statements;
    return this.db.transaction(() => {
      if (s.personExists.get(o.personId) === undefined) return 'gone' as const;
      const from = new Date(sinceMs - windowMs).toISOString();
      const to = new Date(atMs + windowMs).toISOString();
      const id = s.mergeTarget.get({ personId: o.personId, keyId: o.keyId, from, to }) as string | undefined;
      const values = { since, at: o.at, similarity: o.similarity, answers };
      if (id !== undefined) {
        s.extend.run({ id, ...values });
        return 'extended' as const;
      }
      s.insert.run({ id: randomUUID(), personId: o.personId, keyId: o.keyId, ...values });
      return 'new' as const;
    }).immediate();
  }

  async list(personId: string, opts: { limit?: number; cursor?: string | null } = {}): Promise<SightingsPage> {
    this.ensureOpen();
    const limit = checkSightingsLimit(opts.limit);
    const after = decodeSightingCursor(opts.cursor);
    if (!isUuid(personId)) return { sightings: [], next: null };
    const rows = this.statements.list.all({ personId, afterAt: after?.firstSeenAt ?? null, afterId: after?.id ?? null, limit: limit + 1 }) as SightingRow[];
    return toPage(rows.map(toSighting), limit);
  }

  async lastSeen(personIds: readonly string[]): Promise<Map<string, string>> {
    this.ensureOpen();
    const ids = personIds.filter(isUuid);
    if (ids.length === 0) return new Map();
    return new Map(this.statements.lastSeen.all(JSON.stringify(ids)) as [string, string][]);
  }

  async purgeBefore(cutoff: string): Promise<number> {
    this.ensureOpen();
    checkInstant(cutoff, 'cutoff');
    return this.statements.purge.run(cutoff).changes;
  }
}
