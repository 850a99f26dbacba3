/**
 * API keys as the registry's store keeps them: created with a role, shown once, stored only as
 * SHA-256 hashes (keys are 256 random bits, so a fast hash is enough), compared in constant
 * time. Same connection, transactions and durability as people and templates; creating and
 * revoking a key writes its audit entry in the same transaction.
 */
import crypto, { randomUUID } from 'node:crypto';
import { LIMITS, codePointLength } from '../contract/limits';
import { ROLES, type Role } from '../contract/vocabulary';
import { auditRecord, type AuditContext } from './audit';
import { RegistryError } from './registry';
import type { RegistryStore } from './store';
import { isUuid, nowIso } from './validate';

/** `metrics`: reads /api/v1/metrics and the detailed /ready, nothing else. Roles are the wire contract's (one definition, lib/contract/vocabulary.ts). */
export { ROLES, type Role };


export interface ApiKeyInfo {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  lastUsedAt: string | null;
}

/** A key row as stored: its info and the hash of the key. */
export interface KeyRecord extends ApiKeyInfo {
  hash: string;
}

export interface KeyStore {
  /** The key itself is in the answer only: the store keeps its hash. */
  create(name: string, role: Role, by?: AuditContext): Promise<{ info: ApiKeyInfo; key: string }>;
  /** Keys not revoked, oldest first. */
  list(): Promise<ApiKeyInfo[]>;
  /** True when a key was revoked; false (nothing written) for an unknown or already revoked one. */
  revoke(id: string, by?: AuditContext): Promise<boolean>;
  /** The key's info when it is valid and not revoked; records its use. */
  verify(key: string): Promise<ApiKeyInfo | null>;
  countByRole(role: Role): Promise<number>;
}

export function hashKey(key: string): string {
  return crypto.createHash('sha256').update(key, 'utf8').digest('hex');
}

export function generateKey(): string {
  return `frk_${crypto.randomBytes(32).toString('base64url')}`;
}

/** Constant-time comparison of two hex digests. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex'), y = Buffer.from(b, 'hex');
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

export function isRole(role: unknown): role is Role {
  return typeof role === 'string' && (ROLES as readonly string[]).includes(role);
}

/** Trimmed, 1..LIMITS.keyNameMaxCodePoints code points (as the contract counts), no control characters. */
export function checkKeyName(name: unknown): string {
  if (typeof name !== 'string') throw new RegistryError('invalid_input', 'key name must be a string');
  const trimmed = name.trim();
  if (trimmed.length < 1 || codePointLength(trimmed) > LIMITS.keyNameMaxCodePoints) throw new RegistryError('invalid_input', `key name must be 1 to ${LIMITS.keyNameMaxCodePoints} characters`);
  if (/\p{Cc}/u.test(trimmed)) throw new RegistryError('invalid_input', 'key name must not contain control characters');
  return trimmed;
}

export function toKeyInfo(r: KeyRecord): ApiKeyInfo {
  return { id: r.id, name: r.name, role: r.role, createdAt: r.createdAt, lastUsedAt: r.lastUsedAt };
}

/** The key repository over a store: validation and hashing here, rows and transactions in the store. */
/** How stale a key's `lastUsedAt` may be: it is rewritten at most once per this interval. */
export const LAST_USED_RESOLUTION_MS = 60_000;

export function createKeyStore(store: RegistryStore, ensureOpen: () => void): KeyStore {
  return {
    async create(name, role, by) {
      ensureOpen();
      const checkedName = checkKeyName(name);
      if (!isRole(role)) throw new RegistryError('invalid_input', `role must be one of ${ROLES.join(', ')}`);
      const key = generateKey();
      const record: KeyRecord = { id: randomUUID(), name: checkedName, role, hash: hashKey(key), createdAt: nowIso(), lastUsedAt: null };
      await store.insertKey(record, auditRecord('key.create', by, { keyId: record.id }, { role }, record.createdAt));
      return { info: toKeyInfo(record), key };
    },
    async list() {
      ensureOpen();
      return store.listKeys();
    },
    async revoke(id, by) {
      ensureOpen();
      if (!isUuid(id)) return false;
      const at = nowIso();
      return store.revokeKey(id, at, auditRecord('key.revoke', by, { keyId: id }, null, at));
    },
    async verify(key) {
      ensureOpen();
      if (typeof key !== 'string' || key === '') return null;
      const hash = hashKey(key);
      const found = await store.findKey(hash);
      if (!found || !sameDigest(found.hash, hash)) return null;
      // Every authenticated request verifies its key (a camera sends several a second), and a
      // touch is a durable write (synchronous=FULL: an fsync): last use is kept to the minute.
      const now = nowIso();
      if (found.lastUsedAt === null || Date.parse(now) - Date.parse(found.lastUsedAt) >= LAST_USED_RESOLUTION_MS) {
        await store.touchKey(found.id, now);
        return toKeyInfo({ ...found, lastUsedAt: now });
      }
      return toKeyInfo(found);
    },
    async countByRole(role) {
      ensureOpen();
      return store.countKeys(role);
    },
  };
}
