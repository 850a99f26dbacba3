/**
 * Sightings: when a recognised person was seen, by which key, and how surely. Optional
 * (FACEREC_SIGHTINGS) and kept for a limited time (FACEREC_SIGHTINGS_RETENTION_DAYS). One row
 * per track, not per frame: answers of one key naming one person close together in time
 * extend one sighting. Never a frame, a crop or an embedding; unknown faces are not stored.
 * Rows belong to their person (ON DELETE CASCADE): erasing a person erases their sightings.
 *
 * This file holds the repository's interface and the rules both backends share;
 * `sightings-sqlite.ts` and `sightings-postgres.ts` implement it on the store's connection.
 */
import { LIMITS } from '../contract/limits';
import { RegistryError } from './registry';
import { isUuid } from './validate';

/**
 * Answers of one key naming one person at most this far apart extend one sighting. The live
 * page sends a frame as soon as the previous answer arrives (a few per second on a CPU) and a
 * track survives a few missed frames; 10 s bridges a face turned away or a busy server (503,
 * then the next frame) without merging two visits to the same door minutes apart.
 */
export const SIGHTING_MERGE_WINDOW_MS = 10_000;

export const SIGHTINGS_PAGE_DEFAULT = LIMITS.sightingsPageDefault;
export const SIGHTINGS_PAGE_MAX = LIMITS.sightingsPageMax;

export interface Sighting {
  id: string;
  personId: string;
  /** The API key whose answers named the person (`env-admin` for FACEREC_ADMIN_KEY); null for public recognition without a key. */
  keyId: string | null;
  /** ISO 8601 UTC with milliseconds. */
  firstSeenAt: string;
  lastSeenAt: string;
  /** Highest similarity of the answers merged into this sighting, -1..1. */
  bestSimilarity: number;
  /** Recognition answers merged into this sighting. */
  answers: number;
}

/**
 * Recognition answers of one key that named one person: one answer, or several close together
 * that the server gathered in memory before writing (`since` .. `at`, `answers` of them).
 */
export interface SightingObservation {
  personId: string;
  keyId: string | null;
  /** Highest similarity of the answers. */
  similarity: number;
  /** When the (last) answer was computed, ISO 8601 UTC with milliseconds. */
  at: string;
  /** When the first of the answers was computed; `at` when omitted (one answer). */
  since?: string;
  /** How many answers; 1 when omitted. */
  answers?: number;
}

/** An observation checked: its span in epoch ms and ISO text, and its answer count. */
export interface CheckedObservation {
  sinceMs: number;
  atMs: number;
  since: string;
  answers: number;
}

export interface SightingsPage {
  sightings: Sighting[];
  /** Cursor of the next page; null on the last. */
  next: string | null;
}

export interface SightingsRepository {
  /**
   * Extends the key's latest sighting of the person when the observation (`since` .. `at`) lies
   * within `mergeWindowMs` of it, otherwise starts a new one. 'extended' or 'new'; a person
   * deleted meanwhile writes nothing ('gone').
   */
  record(observation: SightingObservation, mergeWindowMs?: number): Promise<'new' | 'extended' | 'gone'>;
  /** The person's sightings, newest first (by first seen), paged. */
  list(personId: string, opts?: { limit?: number; cursor?: string | null }): Promise<SightingsPage>;
  /** Latest `lastSeenAt` of each of these people that has a sighting. */
  lastSeen(personIds: readonly string[]): Promise<Map<string, string>>;
  /** Deletes sightings last seen before `cutoff` (ISO 8601); returns how many. */
  purgeBefore(cutoff: string): Promise<number>;
}

/** Thrown by a repository whose store was closed (shutdown), so schedules can tell it from a failure. */
export function closedError(): RegistryError {
  return new RegistryError('closed', 'the registry is closed');
}

function invalid(message: string): never {
  throw new RegistryError('invalid_input', message);
}

/** Validates an observation before it reaches SQL. */
export function checkObservation(o: SightingObservation): CheckedObservation {
  if (!isUuid(o.personId)) invalid('personId must be a UUID');
  if (o.keyId !== null && (typeof o.keyId !== 'string' || o.keyId.length < 1 || o.keyId.length > 100)) invalid('keyId must be null or 1..100 characters');
  if (typeof o.similarity !== 'number' || !(o.similarity >= -1 && o.similarity <= 1)) invalid('similarity must be a number from -1 to 1');
  const atMs = checkInstant(o.at, 'at');
  const since = o.since ?? o.at;
  const sinceMs = checkInstant(since, 'since');
  if (sinceMs > atMs) invalid('since must not be after at');
  const answers = o.answers ?? 1;
  // The column is a 32-bit integer on PostgreSQL.
  if (!Number.isInteger(answers) || answers < 1 || answers > 2 ** 31 - 1) invalid('answers must be a whole number from 1 to 2^31 - 1');
  return { sinceMs, atMs, since, answers };
}

/** Epoch ms of an ISO 8601 instant as the registry writes them (UTC, `Z`, milliseconds). */
export function checkInstant(value: unknown, what: string): number {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value)) invalid(`${what} must be an ISO 8601 UTC time with milliseconds`);
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) invalid(`${what} is not a valid time`);
  return ms;
}

export function checkMergeWindow(ms: number): number {
  if (!Number.isInteger(ms) || ms < 0) invalid('the merge window must be a whole number of milliseconds');
  return ms;
}

export function checkSightingsLimit(limit: unknown): number {
  if (limit === undefined) return SIGHTINGS_PAGE_DEFAULT;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > SIGHTINGS_PAGE_MAX) invalid(`limit must be an integer from 1 to ${SIGHTINGS_PAGE_MAX}`);
  return limit;
}

/** Position after the last sighting of a page: newest first, so (firstSeenAt, id) descending. */
export interface SightingCursor {
  firstSeenAt: string;
  id: string;
}

export function encodeSightingCursor(s: SightingCursor): string {
  return Buffer.from(JSON.stringify(['s', s.firstSeenAt, s.id]), 'utf8').toString('base64url');
}

export function decodeSightingCursor(cursor: unknown): SightingCursor | null {
  if (cursor === undefined || cursor === null) return null;
  if (typeof cursor !== 'string') invalid('cursor must be a string');
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 3 && value[0] === 's' && typeof value[1] === 'string' && isUuid(value[2])) {
      checkInstant(value[1], 'cursor');
      return { firstSeenAt: value[1], id: value[2] };
    }
  } catch {
    // fall through to the error below
  }
  invalid('cursor is not one this registry issued');
}

/** Cuts one row past the page (fetched to tell whether a next page exists) into a page. */
export function toPage(rows: Sighting[], limit: number): SightingsPage {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { sightings: page, next: rows.length > limit ? encodeSightingCursor(last) : null };
}

/** A sighting row as the backends read it: times are text in SQLite, `Date` from PostgreSQL. */
export interface StoredSighting<Time> {
  id: string;
  person_id: string;
  key_id: string | null;
  first_seen_at: Time;
  last_seen_at: Time;
  best_similarity: number;
  answers: number;
}

export const SIGHTING_COLUMNS = 'id, person_id, key_id, first_seen_at, last_seen_at, best_similarity, answers';

export function rowToSighting<Time>(row: StoredSighting<Time>, iso: (t: Time) => string): Sighting {
  return {
    id: row.id,
    personId: row.person_id,
    keyId: row.key_id,
    firstSeenAt: iso(row.first_seen_at),
    lastSeenAt: iso(row.last_seen_at),
    bestSimilarity: row.best_similarity,
    answers: row.answers,
  };
}
