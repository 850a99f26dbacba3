/**
 * API keys: created with a role, shown once, stored only as SHA-256 hashes (keys are 256 random
 * bits, so a fast hash is enough), compared in constant time. Stored beside the registry:
 * the same SQLite file or the same PostgreSQL database.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';

/** `metrics`: reads /api/v1/metrics and the detailed /ready, nothing else. */
export const ROLES = ['admin', 'enroll', 'recognize', 'metrics'] as const;
export type Role = (typeof ROLES)[number];

export interface ApiKeyInfo {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface KeyStore {
  create(name: string, role: Role): Promise<{ info: ApiKeyInfo; key: string }>;
  list(): Promise<ApiKeyInfo[]>;
  /** True when a key was revoked. */
  revoke(id: string): Promise<boolean>;
  /** The key's info when it is valid and not revoked; records its use. */
  verify(key: string): Promise<ApiKeyInfo | null>;
  countByRole(role: Role): Promise<number>;
  close(): Promise<void>;
}

export function hashKey(key: string): string {
  return crypto.createHash('sha256').update(key, 'utf8').digest('hex');
}

export function generateKey(): string {
  return `frk_${crypto.randomBytes(32).toString('base64url')}`;
}

/** Constant-time equality of two hex digests. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex'), y = Buffer.from(b, 'hex');
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

interface Row { id: string; name: string; role: Role; hash: string; created_at: string; last_used_at: string | null }

const toInfo = (r: Row): ApiKeyInfo => ({ id: r.id, name: r.name, role: r.role, createdAt: r.created_at, lastUsedAt: r.last_used_at });

const DDL = `CREATE TABLE IF NOT EXISTS api_keys (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
)`;

export class SqliteKeyStore implements KeyStore {
  private readonly db: Database.Database;

  constructor(dataDir: string) {
    fs.mkdirSync(dataDir, { recursive: true });
    this.db = new Database(path.join(dataDir, 'facerec.db'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(DDL);
  }

  async create(name: string, role: Role) {
    const key = generateKey();
    const row: Row = { id: crypto.randomUUID(), name, role, hash: hashKey(key), created_at: new Date().toISOString(), last_used_at: null };
    this.db.prepare('INSERT INTO api_keys (id, name, role, hash, created_at) VALUES (@id, @name, @role, @hash, @created_at)').run(row);
    return { info: toInfo(row), key };
  }

  async list() {
    return (this.db.prepare('SELECT * FROM api_keys WHERE revoked_at IS NULL ORDER BY created_at').all() as Row[]).map(toInfo);
  }

  async revoke(id: string) {
    return this.db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(new Date().toISOString(), id).changes > 0;
  }

  async verify(key: string) {
    const hash = hashKey(key);
    const row = this.db.prepare('SELECT * FROM api_keys WHERE hash = ? AND revoked_at IS NULL').get(hash) as Row | undefined;
    if (!row || !sameDigest(row.hash, hash)) return null;
    this.db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?').run(new Date().toISOString(), row.id);
    return toInfo(row);
  }

  async countByRole(role: Role) {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM api_keys WHERE role = ? AND revoked_at IS NULL').get(role) as { n: number }).n;
  }

  async close() {
    this.db.close();
  }
}

export class PostgresKeyStore implements KeyStore {
  private readonly pool: pg.Pool;
  private readonly ready: Promise<unknown>;

  constructor(url: string) {
    this.pool = new pg.Pool({ connectionString: url, max: 2 });
    this.ready = this.pool.query(DDL);
  }

  private async q<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) {
    await this.ready;
    return this.pool.query<T>(sql, params);
  }

  async create(name: string, role: Role) {
    const key = generateKey();
    const row: Row = { id: crypto.randomUUID(), name, role, hash: hashKey(key), created_at: new Date().toISOString(), last_used_at: null };
    await this.q('INSERT INTO api_keys (id, name, role, hash, created_at) VALUES ($1, $2, $3, $4, $5)', [row.id, name, role, row.hash, row.created_at]);
    return { info: toInfo(row), key };
  }

  async list() {
    return (await this.q<Row>('SELECT * FROM api_keys WHERE revoked_at IS NULL ORDER BY created_at')).rows.map(toInfo);
  }

  async revoke(id: string) {
    return ((await this.q('UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [new Date().toISOString(), id])).rowCount ?? 0) > 0;
  }

  async verify(key: string) {
    const hash = hashKey(key);
    const row = (await this.q<Row>('SELECT * FROM api_keys WHERE hash = $1 AND revoked_at IS NULL', [hash])).rows[0];
    if (!row || !sameDigest(row.hash, hash)) return null;
    await this.q('UPDATE api_keys SET last_used_at = $1 WHERE id = $2', [new Date().toISOString(), row.id]);
    return toInfo(row);
  }

  async countByRole(role: Role) {
    return Number((await this.q<{ n: string }>('SELECT COUNT(*) AS n FROM api_keys WHERE role = $1 AND revoked_at IS NULL', [role])).rows[0].n);
  }

  async close() {
    await this.pool.end();
  }
}
