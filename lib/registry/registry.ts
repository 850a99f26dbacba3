/**
 * The registry of known people and their face templates: the interface every backend
 * implements, its value types and its catalogued errors. Backends (`sqlite.ts`,
 * `postgres.ts`) only store; `indexed-registry.ts` validates, keeps the in-memory search
 * index (`search-index.ts`) in step with the store and answers searches.
 */
import type { AuditContext, AuditTrail } from './audit';
import type { KeyStore } from './keys';

import type { SightingsRepository } from './sightings';

import type { TemplateSource } from '../contract/vocabulary';

export { TEMPLATE_SOURCES, type TemplateSource } from '../contract/vocabulary';

export interface NewTemplate {
  /** L2-normalised embedding of length `Registry.dim` (normalised again on insert). */
  embedding: Float32Array;
  /** Id of the embedding model *and recipe* that produced it, version included; must equal `Registry.modelId`. */
  modelId: string;
  /** Face quality score, 0..1 (see lib/vision quality). */
  quality: number;
  source: TemplateSource;
  /** Aligned face crop, JPEG bytes; stored only when the registry keeps crops, dropped otherwise. */
  crop?: Uint8Array;
}

export interface Person {
  id: string;
  name: string;
  externalId: string | null;
  metadata: Record<string, unknown> | null;
  /** ISO 8601, UTC, millisecond precision. */
  createdAt: string;
  updatedAt: string;
  /** All templates of the person, of any model. */
  templateCount: number;
}

export interface Template {
  id: string;
  personId: string;
  modelId: string;
  quality: number;
  source: TemplateSource;
  createdAt: string;
  hasCrop: boolean;
}

export interface SearchHit {
  personId: string;
  name: string;
  /** The person's template closest to the query. */
  templateId: string;
  /** Cosine similarity of query and that template, -1..1. */
  similarity: number;
}

/** A person scored as a whole: the query's similarity to the centroid of their templates. */
export interface PersonHit {
  personId: string;
  name: string;
  /** Cosine similarity of the query and the person's centroid (mean of their unit templates, renormalised), -1..1. */
  similarity: number;
  /** Templates of this registry's model behind the centroid. */
  templates: number;
  /**
   * When asked for (`crowding` neighbours): mean similarity of this person's centroid to the
   * centroids of their nearest other people; null when nobody else is enrolled.
   */
  crowding?: number | null;
}

export interface RegistrySize {
  people: number;
  /** Templates of this registry's model: the ones search compares against. */
  templates: number;
  /** Templates of other models, invisible to search until re-embedded with this model. */
  staleTemplates: number;
}

/** Which search structure answers queries now. */
export interface IndexState {
  kind: 'exact' | 'approximate';
  /** True while the approximate index is being built in the background (exact answers meanwhile). */
  building: boolean;
}

export interface PersonInput {
  name: string;
  externalId?: string | null;
  metadata?: Record<string, unknown> | null;
}

export interface PersonPatch {
  name?: string;
  externalId?: string | null;
  metadata?: Record<string, unknown> | null;
}

export interface ListPeopleOptions {
  /** Page size, 1..500 (default 50). */
  limit?: number;
  /** `next` of the previous page; null or absent for the first. */
  cursor?: string | null;
  /** Case- and accent-insensitive substring of the name, or an exact external id. */
  query?: string;
}

export interface Registry {
  /** The embedding model whose templates the index serves. */
  readonly modelId: string;
  /** Embedding length. */
  readonly dim: number;
  /** API keys, in the same store. */
  readonly keys: KeyStore;
  /** The audit trail, in the same store. */
  readonly audit: AuditTrail;

  // Every write records its change in the audit trail in the same transaction: who (`by`,
  // default the system) and what. A write that fails or finds nothing records nothing.

  /** Creates a person with its first templates in one transaction (entries: person.create, face.add per template). */
  addPerson(input: PersonInput, templates?: NewTemplate[], by?: AuditContext): Promise<{ person: Person; templates: Template[] }>;
  /** Entry: person.update with the names of the fields changed (never their values). */
  updatePerson(id: string, patch: PersonPatch, by?: AuditContext): Promise<Person>;
  /**
   * Erases the person, every template and crop, and every audit entry naming the person, in
   * one transaction and from every index; leaves one entry, person.delete, naming the id only.
   */
  deletePerson(id: string, by?: AuditContext): Promise<void>;
  /** All or none (entries: face.add per template, with its source). */
  addTemplates(personId: string, templates: NewTemplate[], by?: AuditContext): Promise<Template[]>;
  removeTemplate(personId: string, templateId: string, by?: AuditContext): Promise<void>;
  getPerson(id: string): Promise<Person & { templates: Template[] }>;
  /** People ordered by name (case- and accent-insensitive), then id. */
  listPeople(opts?: ListPeopleOptions): Promise<{ people: Person[]; next: string | null }>;
  getCrop(templateId: string): Promise<Uint8Array | null>;
  /**
   * Top `k` people by their best template's cosine similarity to `vector`, at least
   * `minSimilarity`, best first. In memory and synchronous; only templates of `modelId`.
   * Small k (<= 32, the usual) is fastest; k = 0 gives [].
   */
  search(vector: Float32Array, k: number, minSimilarity: number): SearchHit[];
  /**
   * Top `k` people by the similarity of `vector` to each person's centroid, best first: the
   * person-level scores that open-set identification decides on. Exact, in memory, synchronous.
   */
  searchPeople(vector: Float32Array, k: number, opts?: { crowding?: number }): PersonHit[];
  /**
   * 1:1: the person's template closest to `vector` and its similarity, or null when the
   * person has no template of `modelId`; 'not_found' for an unknown person. Reads only
   * that person's templates (use it for verification, not `search` with a large k).
   */
  scorePerson(personId: string, vector: Float32Array): SearchHit | null;
  size(): RegistrySize;
  /**
   * People with at least one template of `modelId`: the ones a search can return, so the
   * gallery size that open-set identification sets its bar for (people without such a
   * template, created but never enrolled or enrolled under another model, are not searched).
   */
  searchablePeople(): number;
  indexState(): IndexState;
  /** Resolves when the approximate index (if switched on) has caught up with every write. */
  whenIndexReady(): Promise<void>;
  /** JSON Lines: a header line, then one line per person with its templates (see docs/registry.md). */
  export(): AsyncIterable<string>;
  /** When people were seen (FACEREC_SIGHTINGS), in the same store; rows go with their person. */
  readonly sightings: SightingsRepository;
  /**
   * Reads what `export` wrote. All or nothing: any bad line or clashing id and nothing is
   * written (entry: registry.import with the counts). `export` records nothing itself: its
   * caller records registry.export with `audit.record` once the file is out.
   */
  import(lines: AsyncIterable<string> | Iterable<string>, by?: AuditContext): Promise<{ people: number; templates: number }>;
  close(): Promise<void>;
}

export type RegistryErrorCode =
  /** No person / template with that id (malformed ids included). */
  | 'not_found'
  /** The input breaks a rule (embedding length, non-finite values, name length, ...). */
  | 'invalid_input'
  /** A unique value is taken (external id, or an imported id). */
  | 'conflict'
  /** The database was written by a newer facerec; opening it could corrupt it. */
  | 'schema_too_new'
  /** The registry was closed. */
  | 'closed';

export class RegistryError extends Error {
  constructor(
    readonly code: RegistryErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

export function isRegistryError(e: unknown): e is RegistryError {
  return e instanceof Error && e.name === 'RegistryError' && typeof (e as RegistryError).code === 'string';
}
