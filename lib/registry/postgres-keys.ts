/** The API keys' queries on PostgreSQL. */
import type { Pool, PoolClient } from 'pg';
import type { ApiKeyInfo, KeyRecord, Role } from './keys';

type Queryable = Pool | PoolClient;

interface KeyRow {
  id: string;
  name: string;
  role: Role;
  hash: string;
  created_at: Date;
  last_used_at: Date | null;
}

const toInfo = (r: KeyRow): ApiKeyInfo => ({
  id: r.id,
  name: r.name,
  role: r.role,
  createdAt: r.created_at.toISOString(),
  lastUsedAt: r.last_used_at?.toISOString() ?? null,
});

export async function insertKey(c: Queryable, k: KeyRecord): Promise<void> {
  await c.query('INSERT INTO facerec_api_key (id, name, role, hash, created_at) VALUES ($1, $2, $3, $4, $5)', [k.id, k.name, k.role, k.hash, k.createdAt]);
}

export async function listKeys(c: Queryable): Promise<ApiKeyInfo[]> {
  const { rows } = await c.query<KeyRow>('SELECT * FROM facerec_api_key WHERE revoked_at IS NULL ORDER BY created_at, id');
  return rows.map(toInfo);
}

export async function revokeKey(c: Queryable, id: string, revokedAt: string): Promise<boolean> {
  const { rowCount } = await c.query('UPDATE facerec_api_key SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL', [id, revokedAt]);
  return (rowCount ?? 0) > 0;
}

export async function findKey(c: Queryable, hash: string): Promise<KeyRecord | null> {
  const { rows } = await c.query<KeyRow>('SELECT * FROM facerec_api_key WHERE hash = $1 AND revoked_at IS NULL', [hash]);
  return rows.length === 0 ? null : { ...toInfo(rows[0]), hash: rows[0].hash };
}

export async function touchKey(c: Queryable, id: string, usedAt: string): Promise<void> {
  await c.query('UPDATE facerec_api_key SET last_used_at = $2 WHERE id = $1', [id, usedAt]);
}

export async function countKeys(c: Queryable, role: Role): Promise<number> {
  const { rows } = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM facerec_api_key WHERE role = $1 AND revoked_at IS NULL', [role]);
  return rows[0].n;
}
