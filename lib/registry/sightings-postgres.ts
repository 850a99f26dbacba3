/**
 * Sightings in PostgreSQL, on the store's pool. Several instances may answer one key's frames
 * (behind a load balancer), so the look-up and the write of one observation hold a
 * transaction-scoped advisory lock on (person, key): two answers of one track arriving together
 * at two instances extend one sighting instead of starting two.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
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

type SightingRow = StoredSighting<Date>;

const toSighting = (row: SightingRow): Sighting => rowToSighting(row, (t) => t.toISOString());

export class PostgresSightings implements SightingsRepository {
  private readonly pool: Pool;

  /** `pool` is the registry store's, on an already migrated database. */
  constructor(pool: Pool) {
    this.pool = pool;
  }

  private ensureOpen(): void {
    if (this.pool.ended) throw closedError();
  }

  async record(o: SightingObservation, mergeWindowMs = SIGHTING_MERGE_WINDOW_MS): Promise<'new' | 'extended' | 'gone'> {
    this.ensureOpen();
    const { since, answers } = checkObservation(o);
    const windowMs = checkMergeWindow(mergeWindowMs);
    const c = await this.pool.connect();
    let broken = false;
    try {
      await c.query('BEGIN');
      try {
        await c.query("SELECT pg_advisory_xact_lock(hashtextextended($1::text || '/' || coalesce($2::text, ''), 0))", [o.personId, o.keyId]);
        // KEY SHARE: a concurrent delete of the person waits for this write, or this one sees it gone.
        const person = await c.query('SELECT 1 FROM facerec_person WHERE id = $1 FOR KEY SHARE', [o.personId]);
        let outcome: 'new' | 'extended' | 'gone';
        if (person.rowCount === 0) {
          outcome = 'gone';
        } else {
          const extended = await c.query(
            `UPDATE facerec_sighting SET
               first_seen_at = least(first_seen_at, $6::timestamptz), last_seen_at = greatest(last_seen_at, $3::timestamptz),
               best_similarity = greatest(best_similarity, $4::float8), answers = answers + $7::int
             WHERE id = (
               SELECT id FROM facerec_sighting
               WHERE person_id = $1::uuid AND key_id IS NOT DISTINCT FROM $2::text AND last_seen_at >= $6::timestamptz - $5::float8 * interval '1 millisecond'
                 AND first_seen_at <= $3::timestamptz + $5::float8 * interval '1 millisecond'
               ORDER BY last_seen_at DESC LIMIT 1)`,
            [o.personId, o.keyId, o.at, o.similarity, windowMs, since, answers],
          );
          if (extended.rowCount === 1) {
            outcome = 'extended';
          } else {
            await c.query(
              `INSERT INTO facerec_sighting (id, person_id, key_id, first_seen_at, last_seen_at, best_similarity, answers)
               VALUES ($1, $2, $3, $4, $5, $6, $7)`,
              [randomUUID(), o.personId, o.keyId, since, o.at, o.similarity, answers],
            );
            outcome = 'new';
          }
        }
        await c.query('COMMIT');
        return outcome;
      } catch (e) {
        await c.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw e;
      }
    } finally {
      c.release(broken);
    }
  }

  async list(personId: string, opts: { limit?: number; cursor?: string | null } = {}): Promise<SightingsPage> {
    this.ensureOpen();
    const limit = checkSightingsLimit(opts.limit);
    const after = decodeSightingCursor(opts.cursor);
    if (!isUuid(personId)) return { sightings: [], next: null };
    const { rows } = await this.pool.query<SightingRow>(
      `SELECT ${COLUMNS} FROM facerec_sighting
       WHERE person_id = $1 AND ($2::timestamptz IS NULL OR (first_seen_at, id) < ($2::timestamptz, $3::uuid))
       ORDER BY first_seen_at DESC, id DESC LIMIT $4`,
      [personId, after?.firstSeenAt ?? null, after?.id ?? null, limit + 1],
    );
    return toPage(rows.map(toSighting), limit);
  }

  async lastSeen(personIds: readonly string[]): Promise<Map<string, string>> {
    this.ensureOpen();
    const ids = personIds.filter(isUuid);
    if (ids.length === 0) return new Map();
    const { rows } = await this.pool.query<{ person_id: string; last: Date }>(
      'SELECT person_id, max(last_seen_at) AS last FROM facerec_sighting WHERE person_id = ANY ($1::uuid[]) GROUP BY person_id',
      [ids],
    );
    return new Map(rows.map((r) => [r.person_id, r.last.toISOString()]));
  }

  async purgeBefore(cutoff: string): Promise<number> {
    this.ensureOpen();
    checkInstant(cutoff, 'cutoff');
    const { rowCount } = await this.pool.query('DELETE FROM facerec_sighting WHERE last_seen_at < $1', [cutoff]);
    return rowCount ?? 0;
  }
}
