/** The API keys' statements on SQLite, prepared on the store's connection. */
import type Database from 'better-sqlite3';
import type { ApiKeyInfo, KeyRecord, Role } from './keys';

const COLUMNS = 'id, name, role, created_at AS createdAt, last_used_at AS lastUsedAt';

export function prepareKeyStatements(db: Database.Database) {
  const insert = db.prepare('INSERT INTO api_key (id, name, role, hash, created_at) VALUES (@id, @name, @role, @hash, @createdAt)');
  const list = db.prepare(`SELECT ${COLUMNS} FROM api_key WHERE revoked_at IS NULL ORDER BY created_at, id`);
  const revoke = db.prepare('UPDATE api_key SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
  const find = db.prepare(`SELECT ${COLUMNS}, hash FROM api_key WHERE hash = ? AND revoked_at IS NULL`);
  const touch = db.prepare('UPDATE api_key SET last_used_at = ? WHERE id = ?');
  const count = db.prepare('SELECT count(*) FROM api_key WHERE role = ? AND revoked_at IS NULL').pluck();
  return {
    insert: (key: KeyRecord) => void insert.run(key),
    list: () => list.all() as ApiKeyInfo[],
    revoke: (id: string, revokedAt: string) => revoke.run(revokedAt, id).changes > 0,
    find: (hash: string) => (find.get(hash) as KeyRecord | undefined) ?? null,
    touch: (id: string, at: string) => void touch.run(at, id),
    count: (role: Role) => count.get(role) as number,
  };
}
