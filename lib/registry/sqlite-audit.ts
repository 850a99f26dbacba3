/**
 * The audit trail's statements on SQLite, prepared on the store's connection so the store can
 * run them inside the transaction of each change.
 */
import type Database from 'better-sqlite3';
import type { AuditFilter, AuditRecord, StoredAuditRecord } from './audit';

const COLUMNS = `seq, at, action, actor_kind AS actorKind, actor_key_id AS actorKeyId, actor_name AS actorName,
  person_id AS personId, face_id AS faceId, key_id AS keyId, address, details`;

export function prepareAuditStatements(db: Database.Database) {
  const insert = db.prepare(
    `INSERT INTO audit_entry (at, action, actor_kind, actor_key_id, actor_name, person_id, face_id, key_id, address, details)
     VALUES (@at, @action, @actorKind, @actorKeyId, @actorName, @personId, @faceId, @keyId, @address, @details)`,
  );
  const erase = db.prepare('DELETE FROM audit_entry WHERE person_id = ?');
  const list = db.prepare(
    `SELECT ${COLUMNS} FROM audit_entry
     WHERE (@beforeSeq IS NULL OR seq < @beforeSeq)
       AND (@personId IS NULL OR person_id = @personId)
       AND (@actorKind IS NULL OR actor_kind = @actorKind)
       AND (@actorKeyId IS NULL OR actor_key_id = @actorKeyId)
       AND (@action IS NULL OR action = @action)
       AND (@since IS NULL OR at >= @since)
       AND (@until IS NULL OR at < @until)
     ORDER BY seq DESC
     LIMIT @limit`,
  );
  return {
    /** Call inside the change's transaction; returns the stored records. */
    append(records: readonly AuditRecord[]): StoredAuditRecord[] {
      return records.map((r) => ({ ...r, seq: Number(insert.run(r).lastInsertRowid) }));
    },
    /** Every entry naming the person (call inside the deletion's transaction, before its own entry). */
    erasePerson(personId: string): void {
      erase.run(personId);
    },
    list(filter: AuditFilter): StoredAuditRecord[] {
      return list.all(filter) as StoredAuditRecord[];
    },
  };
}
