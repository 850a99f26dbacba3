/**
 * The audit trail: who changed what, when, from where. Append-only; each entry is written by
 * the store in the transaction of the change it records, so neither exists without the other.
 * Entries carry ids and small details, never an embedding, an image or a person's name:
 * deleting a person erases every entry naming them except the one recording the deletion.
 */
import { LIMITS } from '../contract/limits';
import { ACTOR_KINDS, AUDIT_ACTIONS, type ActorKind, type AuditAction } from '../contract/vocabulary';
import { RegistryError } from './registry';
import type { RegistryStore } from './store';
import { isUuid, nowIso } from './validate';

// The words of the trail are the wire contract's (one definition, lib/contract/vocabulary.ts).
export { AUDIT_ACTIONS, ACTOR_KINDS, type AuditAction, type ActorKind };

/** `admin`: the configured FACEREC_ADMIN_KEY; `system`: the CLI, first start, anything without a caller. */
export interface AuditActor {
  kind: ActorKind;
  keyId: string | null;
  name: string;
}

/** Who makes a change and from which address: what each write method takes. */
export interface AuditContext {
  actor: AuditActor;
  address: string | null;
}

export const SYSTEM_ACTOR: AuditActor = { kind: 'system', keyId: null, name: 'system' };
export const ADMIN_ACTOR: AuditActor = { kind: 'admin', keyId: null, name: 'admin' };
export const SYSTEM_CONTEXT: AuditContext = { actor: SYSTEM_ACTOR, address: null };

export interface AuditTargets {
  personId?: string | null;
  faceId?: string | null;
  keyId?: string | null;
}

export interface AuditEntry {
  /** Opaque, increasing. */
  id: string;
  /** ISO 8601 UTC with ms. */
  at: string;
  action: AuditAction;
  actor: AuditActor;
  personId: string | null;
  faceId: string | null;
  keyId: string | null;
  address: string | null;
  details: Record<string, unknown> | null;
}

/** An entry as the store writes it: `details` is JSON text. */
export interface AuditRecord {
  at: string;
  action: AuditAction;
  actorKind: ActorKind;
  actorKeyId: string | null;
  actorName: string;
  personId: string | null;
  faceId: string | null;
  keyId: string | null;
  address: string | null;
  details: string | null;
}

/** A stored entry with its sequence number. */
export interface StoredAuditRecord extends AuditRecord {
  seq: number;
}

export interface AuditQuery {
  personId?: string;
  /** A key id, `admin` (FACEREC_ADMIN_KEY) or `system`. */
  actor?: string;
  action?: string;
  /** ISO 8601: entries at or after. */
  since?: string;
  /** ISO 8601: entries before. */
  until?: string;
  /** `nextCursor` of the previous page. */
  cursor?: string | null;
  /** 1..200, default 50. */
  limit?: number;
}

/** The query as stores run it: newest first, below `beforeSeq`. */
export interface AuditFilter {
  beforeSeq: number | null;
  personId: string | null;
  actorKind: ActorKind | null;
  actorKeyId: string | null;
  action: AuditAction | null;
  since: string | null;
  until: string | null;
  limit: number;
}

export interface AuditTrail {
  /** Appends a standalone entry (an export): for changes the write methods record their own. */
  record(action: AuditAction, by?: AuditContext, targets?: AuditTargets, details?: Record<string, unknown> | null): Promise<AuditEntry>;
  /** Newest first. */
  list(query?: AuditQuery): Promise<{ entries: AuditEntry[]; nextCursor: string | null }>;
}

export const AUDIT_PAGE_MAX = LIMITS.auditPageMax;
export const AUDIT_PAGE_DEFAULT = LIMITS.auditPageDefault;
/** Serialised details, UTF-8 bytes: room for counts and a few ids, not for data. */
export const AUDIT_DETAILS_MAX_BYTES = 1024;
const ADDRESS_MAX_CHARS = 100;

function invalid(message: string): never {
  throw new RegistryError('invalid_input', message);
}

export function isAuditAction(action: unknown): action is AuditAction {
  return typeof action === 'string' && (AUDIT_ACTIONS as readonly string[]).includes(action);
}

function checkContext(by: AuditContext): AuditContext {
  const { actor, address } = by;
  if (!(ACTOR_KINDS as readonly string[]).includes(actor?.kind)) invalid(`audit actor kind must be one of ${ACTOR_KINDS.join(', ')}`);
  if (actor.kind === 'key' && !isUuid(actor.keyId)) invalid('a key actor needs its key id');
  if (typeof actor.name !== 'string') invalid('audit actor name must be a string');
  if (address !== null && (typeof address !== 'string' || address.length > ADDRESS_MAX_CHARS)) invalid('audit address must be a short string');
  return by;
}

function checkTarget(id: string | null | undefined, what: string): string | null {
  if (id === undefined || id === null) return null;
  if (!isUuid(id)) invalid(`audit ${what} must be a UUID`);
  return id;
}

/** Builds the record of one change; throws `invalid_input` for oversized details or bad ids. */
export function auditRecord(
  action: AuditAction,
  by: AuditContext = SYSTEM_CONTEXT,
  targets: AuditTargets = {},
  details: Record<string, unknown> | null = null,
  at: string = nowIso(),
): AuditRecord {
  if (!isAuditAction(action)) invalid(`unknown audit action ${JSON.stringify(action)}`);
  const { actor, address } = checkContext(by);
  let detailsText: string | null = null;
  if (details !== null) {
    if (typeof details !== 'object' || Array.isArray(details)) invalid('audit details must be an object');
    detailsText = JSON.stringify(details);
    if (Buffer.byteLength(detailsText, 'utf8') > AUDIT_DETAILS_MAX_BYTES) invalid(`audit details must be at most ${AUDIT_DETAILS_MAX_BYTES} bytes`);
  }
  return {
    at,
    action,
    actorKind: actor.kind,
    actorKeyId: actor.kind === 'key' ? actor.keyId : null,
    actorName: actor.kind === 'key' ? actor.name.slice(0, 100) : actor.kind,
    personId: checkTarget(targets.personId, 'personId'),
    faceId: checkTarget(targets.faceId, 'faceId'),
    keyId: checkTarget(targets.keyId, 'keyId'),
    address: address ?? null,
    details: detailsText,
  };
}

export function toAuditEntry(r: StoredAuditRecord): AuditEntry {
  return {
    id: String(r.seq),
    at: r.at,
    action: r.action,
    actor: { kind: r.actorKind, keyId: r.actorKeyId, name: r.actorName },
    personId: r.personId,
    faceId: r.faceId,
    keyId: r.keyId,
    address: r.address,
    details: r.details === null ? null : (JSON.parse(r.details) as Record<string, unknown>),
  };
}

function checkTime(value: string | undefined, what: string): string | null {
  if (value === undefined) return null;
  const ms = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) invalid(`${what} must be an ISO 8601 date and time`);
  return new Date(ms).toISOString();
}

/** The cursor is the id of the last entry of the page: entries are paged by their sequence. */
function decodeAuditCursor(cursor: string | null | undefined): number | null {
  if (cursor === undefined || cursor === null) return null;
  if (typeof cursor !== 'string' || !/^[1-9]\d{0,15}$/.test(cursor)) invalid('cursor is not one this server issued');
  return Number(cursor);
}

/** Validates a query into the filter the stores run; throws `invalid_input`. */
export function auditFilter(query: AuditQuery): AuditFilter {
  if (typeof query !== 'object' || query === null) invalid('audit query must be an object');
  const limit = query.limit ?? AUDIT_PAGE_DEFAULT;
  if (!Number.isInteger(limit) || limit < 1 || limit > AUDIT_PAGE_MAX) invalid(`limit must be a whole number from 1 to ${AUDIT_PAGE_MAX}`);
  if (query.personId !== undefined && !isUuid(query.personId)) invalid('personId must be a UUID');
  if (query.action !== undefined && !isAuditAction(query.action)) invalid(`action must be one of ${AUDIT_ACTIONS.join(', ')}`);
  let actorKind: ActorKind | null = null;
  let actorKeyId: string | null = null;
  if (query.actor === 'admin' || query.actor === 'system') actorKind = query.actor;
  else if (query.actor !== undefined) {
    if (!isUuid(query.actor)) invalid('actor must be a key id, "admin" or "system"');
    actorKind = 'key';
    actorKeyId = query.actor;
  }
  return {
    beforeSeq: decodeAuditCursor(query.cursor),
    personId: query.personId ?? null,
    actorKind,
    actorKeyId,
    action: (query.action as AuditAction | undefined) ?? null,
    since: checkTime(query.since, 'since'),
    until: checkTime(query.until, 'until'),
    limit,
  };
}

/** The audit trail over a store. */
export function createAuditTrail(store: RegistryStore, ensureOpen: () => void): AuditTrail {
  return {
    async record(action, by, targets, details) {
      ensureOpen();
      return toAuditEntry(await store.appendAudit(auditRecord(action, by, targets, details ?? null)));
    },
    async list(query = {}) {
      ensureOpen();
      const filter = auditFilter(query);
      // One more than asked tells whether a next page exists.
      const rows = await store.listAudit({ ...filter, limit: filter.limit + 1 });
      const page = rows.slice(0, filter.limit);
      return {
        entries: page.map(toAuditEntry),
        nextCursor: rows.length > filter.limit ? String(page[page.length - 1].seq) : null,
      };
    },
  };
}
