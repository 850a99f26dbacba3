/**
 * What a storage backend does: the repository behind `IndexedRegistry`. Backends receive
 * values that are already validated and only read and write them, each method one
 * transaction; they know nothing of the search index except how to fill one.
 */
import type { AuditFilter, AuditRecord, StoredAuditRecord } from './audit';
import type { ApiKeyInfo, KeyRecord, Role } from './keys';
import type { PersonSnapshot, SearchIndex } from './search-index';
import type { Person, Template, TemplateSource } from './registry';
import type { SightingsRepository } from './sightings';
import type { PageCursor } from './validate';

/** A person row as stored. `metadata` is JSON text. */
export interface PersonRecord {
  id: string;
  name: string;
  /** `nameKey(name)`: orders and searches people. */
  nameKey: string;
  externalId: string | null;
  metadata: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A template row as stored, with its embedding and crop. */
export interface TemplateRecord {
  id: string;
  personId: string;
  modelId: string;
  embedding: Float32Array;
  quality: number;
  source: TemplateSource;
  createdAt: string;
  crop: Uint8Array | null;
}

/** One person with all templates of every model: the unit of export and import. */
export interface PersonDump {
  person: PersonRecord;
  templates: TemplateRecord[];
}

export interface PersonPatchRecord {
  name?: string;
  nameKey?: string;
  externalId?: string | null;
  metadata?: string | null;
}

/** Another instance changed one person, or possibly anything (bulk import, missed notifications). */
export type RemoteChange = { personId: string } | { all: true };

/** The parts of the search index a backend fills when loading. */
export type IndexLoader = Pick<SearchIndex, 'upsertPerson' | 'addTemplate' | 'setStaleCount'>;

export interface RegistryStore {
  /** `sqlite` or `postgres`, for logs and the export header. */
  readonly kind: string;
  /** Count of templates of `modelId`, to size the search index before loading. */
  countTemplates(modelId: string): Promise<number>;
  /** Fills `index` with every person, every template of `modelId` and stale counts, from one snapshot. */
  loadIndex(modelId: string, index: IndexLoader): Promise<void>;
  /** One person as the search index mirrors it; null if absent. */
  loadPersonSnapshot(personId: string, modelId: string): Promise<PersonSnapshot | null>;

  // Every write takes the audit records of its change and writes them in the same transaction,
  // only when the change happens (nothing found, nothing written, no entry).

  /** Throws RegistryError('conflict') when the external id is taken. */
  insertPerson(person: PersonRecord, templates: TemplateRecord[], audit: readonly AuditRecord[]): Promise<void>;
  /** Returns the updated person, or null if absent; throws 'conflict' for a taken external id. */
  updatePerson(id: string, patch: PersonPatchRecord, updatedAt: string, audit: AuditRecord): Promise<Person | null>;
  /**
   * Removes the person, templates and crops, and erases every audit entry naming the person
   * before writing `audit` (the deletion's entry); false if absent.
   */
  deletePerson(id: string, audit: AuditRecord): Promise<boolean>;
  /** Returns the person's name, or null (nothing written) if the person is absent. */
  insertTemplates(personId: string, templates: TemplateRecord[], updatedAt: string, audit: readonly AuditRecord[]): Promise<{ name: string } | null>;
  /** Returns the removed template's model id, or null if the person has no such template. */
  deleteTemplate(personId: string, templateId: string, updatedAt: string, audit: AuditRecord): Promise<{ modelId: string } | null>;

  getPerson(id: string): Promise<{ person: Person; templates: Template[] } | null>;
  /** People ordered by (nameKey, id) after `after`; `nameQuery` is a nameKey substring, `externalId` an exact match. */
  listPeople(opts: { limit: number; after: PageCursor | null; nameQuery: string | null; externalId: string | null }): Promise<{ person: Person; nameKey: string }[]>;
  getCrop(templateId: string): Promise<Uint8Array | null>;

  /** Every person with all templates, ordered by id, from one snapshot. */
  exportPeople(): AsyncIterable<PersonDump>;
  /** Inserts all people or none, with the entry `audit` makes of the counts; 'conflict' if an id or external id is taken. */
  importPeople(people: AsyncIterable<PersonDump>, audit: (counts: { people: number; templates: number }) => AuditRecord): Promise<{ people: number; templates: number }>;

  // ---- API keys ----
  insertKey(key: KeyRecord, audit: AuditRecord): Promise<void>;
  /** Not revoked, oldest first. */
  listKeys(): Promise<ApiKeyInfo[]>;
  /** False (nothing written) when no such key is live. */
  revokeKey(id: string, revokedAt: string, audit: AuditRecord): Promise<boolean>;
  /** The live key with this hash, or null. */
  findKey(hash: string): Promise<KeyRecord | null>;
  touchKey(id: string, usedAt: string): Promise<void>;
  countKeys(role: Role): Promise<number>;

  // ---- audit trail ----
  /** A standalone entry (no change of its own to share a transaction with). */
  appendAudit(record: AuditRecord): Promise<StoredAuditRecord>;
  /** Newest first. */
  listAudit(filter: AuditFilter): Promise<StoredAuditRecord[]>;

  /** Sightings of people, on the same connection (lib/registry/sightings.ts). */
  readonly sightings: SightingsRepository;

  /** Registers the listener for other instances' writes (backends shared by several instances). */
  onRemoteChange?(listener: (change: RemoteChange) => void): void;
  close(): Promise<void>;
}

/** Minimal logger (pino's fits). */
export interface RegistryLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export const SILENT_LOGGER: RegistryLogger = { info: () => {}, warn: () => {} };
