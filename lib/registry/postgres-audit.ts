/**
 * The audit trail's queries on PostgreSQL. Writes take the client of the change's transaction,
 * so an entry commits with its change or not at all.
 */
import type { Pool, PoolClient } from 'pg';
import type { ActorKind, AuditAction, AuditFilter, AuditRecord, StoredAuditRecord } from './audit';

type Queryable = Pool | PoolClient;

interface AuditRow {
  seq: string;
  at: Date;
  action: AuditAction;
  actor_kind: ActorKind;
  actor_key_id: string | null;
  actor_name: string;
  person_id: string | null;
  face_id: string | null;
  key_id: string | null;
  address: string | null;
  details: string | null;
}

function toRecord(r: AuditRow): StoredAuditRecord {
  return {
    seq: Number(r.seq),
    at: r.at.toISOString(),
    action: r.action,
    actorKind: r.actor_kind,
    actorKeyId: r.actor_key_id,
    actorName: r.actor_name,
    personId: r.person_id,
    faceId: r.face_id,
    keyId: r.key_id,
    address: r.address,
    details: r.details,
  };
}

/** Appends the records (inside the change's transaction); returns them with their sequence numbers. */
export async function appendAudit(c: Queryable, records: readonly AuditRecord[]): Promise<StoredAuditRecord[]> {
  if (records.length === 0) return [];
  const column = <K extends keyof AuditRecord>(k: K) => records.map((r) => r[k]);
  const { rows } = await c.query<{ seq: string }>(
    `INSERT INTO facerec_audit_entry (at, action, actor_kind, actor_key_id, actor_name, person_id, face_id, key_id, address, details)
     SELECT at, action, actor_kind, actor_key_id, actor_name, person_id, face_id, key_id, address, details::json
     FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::uuid[], $5::text[], $6::uuid[], $7::uuid[], $8::uuid[], $9::text[], $10::text[])
       WITH ORDINALITY AS u (at, action, actor_kind, actor_key_id, actor_name, person_id, face_id, key_id, address, details, n)
     ORDER BY n
     RETURNING seq`,
    [
      column('at'),
      column('action'),
      column('actorKind'),
      column('actorKeyId'),
      column('actorName'),
      column('personId'),
      column('faceId'),
      column('keyId'),
      column('address'),
      column('details'),
    ],
  );
  // Identity values follow the insertion order (ORDER BY n): the i-th smallest is the i-th record's.
  const seqs = rows.map((r) => Number(r.seq)).sort((a, b) => a - b);
  return records.map((r, i) => ({ ...r, seq: seqs[i] }));
}

/** Every entry naming the person (inside the deletion's transaction, before its own entry). */
export async function erasePersonAudit(c: Queryable, personId: string): Promise<void> {
  await c.query('DELETE FROM facerec_audit_entry WHERE person_id = $1', [personId]);
}

export async function listAudit(c: Queryable, f: AuditFilter): Promise<StoredAuditRecord[]> {
  const { rows } = await c.query<AuditRow>(
    `SELECT seq, at, action, actor_kind, actor_key_id, actor_name, person_id, face_id, key_id, address, details::text AS details
     FROM facerec_audit_entry
     WHERE ($1::bigint IS NULL OR seq < $1::bigint)
       AND ($2::uuid IS NULL OR person_id = $2::uuid)
       AND ($3::text IS NULL OR actor_kind = $3::text)
       AND ($4::uuid IS NULL OR actor_key_id = $4::uuid)
       AND ($5::text IS NULL OR action = $5::text)
       AND ($6::timestamptz IS NULL OR at >= $6::timestamptz)
       AND ($7::timestamptz IS NULL OR at < $7::timestamptz)
     ORDER BY seq DESC
     LIMIT $8`,
    [f.beforeSeq, f.personId, f.actorKind, f.actorKeyId, f.action, f.since, f.until, f.limit],
  );
  return rows.map(toRecord);
}
