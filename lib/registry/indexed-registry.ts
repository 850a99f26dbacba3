/**
 * The Registry both backends share: validates input, asks the store to write, then applies the
 * write to the in-memory search index. Writes and index updates of one instance run one at a time
 * (a promise queue), so a change from another instance, re-read from the database, can never
 * be overtaken by an older local write or the other way round.
 */
import { randomUUID } from 'node:crypto';
import type { AnnOptions } from './ann-index';
import { auditRecord, createAuditTrail, type AuditContext, type AuditTrail } from './audit';
import { SearchIndex } from './search-index';
import { headerLine, parseExport, personLine } from './jsonl';
import { createKeyStore, type KeyStore } from './keys';
import {
  RegistryError,
  type IndexState,
  type ListPeopleOptions,
  type NewTemplate,
  type Person,
  type PersonInput,
  type PersonHit,
  type PersonPatch,
  type Registry,
  type RegistrySize,
  type SearchHit,
  type Template,
} from './registry';
import type { SightingsRepository } from './sightings';
import { SILENT_LOGGER, type PersonPatchRecord, type PersonRecord, type RegistryLogger, type RegistryStore, type RemoteChange, type TemplateRecord } from './store';
import {
  checkNewTemplates,
  checkPageLimit,
  decodeCursor,
  encodeCursor,
  isUuid,
  nameKey,
  normaliseExternalId,
  normaliseName,
  nowIso,
  serialiseMetadata,
} from './validate';

export interface IndexedRegistryOptions {
  /** Embedding model (versioned id) whose templates are searched. */
  modelId: string;
  dim: number;
  /** Store aligned face crops with templates (off: crops passed in are dropped). */
  keepCrops?: boolean;
  /** Templates at which search switches to the approximate index (default: never). */
  annMinTemplates?: number;
  ann?: AnnOptions;
  log?: RegistryLogger;
}

/** Wait before retrying a failed re-read of another instance's change, ms. */
const RESYNC_RETRY_MS = 1_000;

function notFound(what: string, id: unknown): never {
  throw new RegistryError('not_found', `no ${what} with id ${JSON.stringify(id)}`);
}

function publicPerson(record: PersonRecord, templateCount: number): Person {
  return {
    id: record.id,
    name: record.name,
    externalId: record.externalId,
    metadata: record.metadata === null ? null : (JSON.parse(record.metadata) as Record<string, unknown>),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    templateCount,
  };
}

function publicTemplate(record: TemplateRecord): Template {
  return {
    id: record.id,
    personId: record.personId,
    modelId: record.modelId,
    quality: record.quality,
    source: record.source,
    createdAt: record.createdAt,
    hasCrop: record.crop !== null,
  };
}

export class IndexedRegistry implements Registry {
  readonly modelId: string;
  readonly dim: number;
  readonly keys: KeyStore;
  readonly audit: AuditTrail;
  private readonly store: RegistryStore;
  private readonly keepCrops: boolean;
  private readonly annMinTemplates: number;
  private readonly annOptions: AnnOptions | undefined;
  private readonly log: RegistryLogger;
  private index: SearchIndex;
  readonly sightings: SightingsRepository;
  /** Tail of the queue of writes and index updates. */
  private queue: Promise<void> = Promise.resolve();
  private reloadQueued = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;

  private constructor(store: RegistryStore, opts: IndexedRegistryOptions) {
    this.store = store;
    this.modelId = opts.modelId;
    this.dim = opts.dim;
    this.keepCrops = opts.keepCrops ?? false;
    this.annMinTemplates = opts.annMinTemplates ?? Infinity;
    this.annOptions = opts.ann;
    this.log = opts.log ?? SILENT_LOGGER;
    this.index = new SearchIndex({ dim: opts.dim });
    this.keys = createKeyStore(store, () => this.ensureOpen());
    this.audit = createAuditTrail(store, () => this.ensureOpen());
    this.sightings = store.sightings;
  }

  /** Loads the index from `store` and starts following other instances' writes. Owns the store from here on. */
  static async open(store: RegistryStore, opts: IndexedRegistryOptions): Promise<IndexedRegistry> {
    if (!Number.isInteger(opts.dim) || opts.dim < 1 || opts.dim > 4096) throw new RegistryError('invalid_input', `dim must be an integer from 1 to 4096`);
    const registry = new IndexedRegistry(store, opts);
    try {
      store.onRemoteChange?.((change) => registry.followRemote(change));
      await registry.serial(() => registry.reload());
    } catch (e) {
      await registry.close();
      throw e;
    }
    const size = registry.size();
    registry.log.info({ backend: store.kind, modelId: opts.modelId, ...size }, 'registry loaded');
    if (size.staleTemplates > 0) {
      registry.log.warn(
        { staleTemplates: size.staleTemplates, modelId: opts.modelId },
        'registry holds templates of other embedding models; search ignores them until they are re-embedded',
      );
    }
    return registry;
  }

  // ---- queue and index maintenance ----

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Builds a fresh search index from the database and swaps it in; searches use the old one meanwhile. */
  private async reload(): Promise<void> {
    const expected = await this.store.countTemplates(this.modelId);
    // The approximate index is switched on after loading, so it is built once, in the background.
    const fresh = new SearchIndex({ dim: this.dim, initialRows: expected, ann: this.annOptions });
    try {
      await this.store.loadIndex(this.modelId, fresh);
    } catch (e) {
      fresh.dispose();
      throw e;
    }
    fresh.setAnnMinTemplates(this.annMinTemplates);
    const old = this.index;
    this.index = fresh;
    old.dispose();
  }

  private followRemote(change: RemoteChange): void {
    if (this.closed) return;
    if ('all' in change) {
      if (this.reloadQueued) return; // one queued reload covers every change before it runs
      this.reloadQueued = true;
    }
    this.serial(async () => {
      if (this.closed) return;
      if ('all' in change) {
        this.reloadQueued = false;
        await this.reload();
      } else {
        this.index.syncPerson(change.personId, await this.store.loadPersonSnapshot(change.personId, this.modelId));
      }
    }).catch((err: unknown) => {
      this.log.warn({ err }, 'registry: could not apply another instance\'s change; resyncing');
      if (this.closed || this.retryTimer) return;
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        this.followRemote({ all: true });
      }, RESYNC_RETRY_MS);
    });
  }

  private ensureOpen(): void {
    if (this.closed) throw new RegistryError('closed', 'the registry is closed');
  }

  // ---- writes ----

  async addPerson(input: PersonInput, templates: NewTemplate[] = [], by?: AuditContext): Promise<{ person: Person; templates: Template[] }> {
    this.ensureOpen();
    if (typeof input !== 'object' || input === null) throw new RegistryError('invalid_input', 'person must be an object');
    const name = normaliseName(input.name);
    const now = nowIso();
    const person: PersonRecord = {
      id: randomUUID(),
      name,
      nameKey: nameKey(name),
      externalId: normaliseExternalId(input.externalId),
      metadata: serialiseMetadata(input.metadata),
      createdAt: now,
      updatedAt: now,
    };
    const records: TemplateRecord[] = checkNewTemplates(templates, this.modelId, this.dim, this.keepCrops).map((t) => ({
      ...t,
      id: randomUUID(),
      personId: person.id,
      createdAt: now,
    }));
    const audit = [
      auditRecord('person.create', by, { personId: person.id }, { templates: records.length }, now),
      ...records.map((r) => auditRecord('face.add', by, { personId: person.id, faceId: r.id }, { source: r.source }, now)),
    ];
    return this.serial(async () => {
      await this.store.insertPerson(person, records, audit);
      this.index.upsertPerson(person.id, person.name);
      for (const r of records) this.index.addTemplate(person.id, r.id, r.embedding);
      return { person: publicPerson(person, records.length), templates: records.map(publicTemplate) };
    });
  }

  async updatePerson(id: string, patch: PersonPatch, by?: AuditContext): Promise<Person> {
    this.ensureOpen();
    if (!isUuid(id)) notFound('person', id);
    if (typeof patch !== 'object' || patch === null) throw new RegistryError('invalid_input', 'patch must be an object');
    const changes: PersonPatchRecord = {};
    if (patch.name !== undefined) {
      changes.name = normaliseName(patch.name);
      changes.nameKey = nameKey(changes.name);
    }
    if (patch.externalId !== undefined) changes.externalId = normaliseExternalId(patch.externalId);
    if (patch.metadata !== undefined) changes.metadata = serialiseMetadata(patch.metadata);
    const now = nowIso();
    const fields = (['name', 'externalId', 'metadata'] as const).filter((f) => changes[f] !== undefined);
    const audit = auditRecord('person.update', by, { personId: id }, { fields }, now);
    return this.serial(async () => {
      const person = await this.store.updatePerson(id, changes, now, audit);
      if (!person) notFound('person', id);
      this.index.upsertPerson(id, person.name);
      return person;
    });
  }

  async deletePerson(id: string, by?: AuditContext): Promise<void> {
    this.ensureOpen();
    if (!isUuid(id)) notFound('person', id);
    const audit = auditRecord('person.delete', by, { personId: id });
    return this.serial(async () => {
      if (!(await this.store.deletePerson(id, audit))) notFound('person', id);
      this.index.removePerson(id);
    });
  }

  async addTemplates(personId: string, templates: NewTemplate[], by?: AuditContext): Promise<Template[]> {
    this.ensureOpen();
    if (!isUuid(personId)) notFound('person', personId);
    const now = nowIso();
    const records: TemplateRecord[] = checkNewTemplates(templates, this.modelId, this.dim, this.keepCrops).map((t) => ({
      ...t,
      id: randomUUID(),
      personId,
      createdAt: now,
    }));
    const audit = records.map((r) => auditRecord('face.add', by, { personId, faceId: r.id }, { source: r.source }, now));
    return this.serial(async () => {
      const person = await this.store.insertTemplates(personId, records, now, audit);
      if (!person) notFound('person', personId);
      this.index.upsertPerson(personId, person.name);
      for (const r of records) this.index.addTemplate(personId, r.id, r.embedding);
      return records.map(publicTemplate);
    });
  }

  async removeTemplate(personId: string, templateId: string, by?: AuditContext): Promise<void> {
    this.ensureOpen();
    if (!isUuid(personId)) notFound('person', personId);
    if (!isUuid(templateId)) notFound('template', templateId);
    const now = nowIso();
    const audit = auditRecord('face.delete', by, { personId, faceId: templateId }, null, now);
    return this.serial(async () => {
      const removed = await this.store.deleteTemplate(personId, templateId, now, audit);
      if (!removed) notFound(`template of person ${personId}`, templateId);
      if (removed.modelId === this.modelId) this.index.removeTemplate(personId, templateId);
      else this.index.addStaleCount(personId, -1);
    });
  }

  // ---- reads ----

  async getPerson(id: string): Promise<Person & { templates: Template[] }> {
    this.ensureOpen();
    if (!isUuid(id)) notFound('person', id);
    const found = await this.store.getPerson(id);
    if (!found) notFound('person', id);
    return { ...found.person, templates: found.templates };
  }

  async listPeople(opts: ListPeopleOptions = {}): Promise<{ people: Person[]; next: string | null }> {
    this.ensureOpen();
    const limit = checkPageLimit(opts.limit);
    const after = decodeCursor(opts.cursor);
    if (opts.query !== undefined && typeof opts.query !== 'string') throw new RegistryError('invalid_input', 'query must be a string');
    const query = opts.query?.normalize('NFC').trim() || null;
    // One more than asked tells whether a next page exists.
    const rows = await this.store.listPeople({ limit: limit + 1, after, nameQuery: query === null ? null : nameKey(query), externalId: query });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      people: page.map((row) => row.person),
      next: rows.length > limit ? encodeCursor({ nameKey: last.nameKey, id: last.person.id }) : null,
    };
  }

  async getCrop(templateId: string): Promise<Uint8Array | null> {
    this.ensureOpen();
    if (!isUuid(templateId)) return null;
    return this.store.getCrop(templateId);
  }

  private checkQuery(vector: Float32Array): void {
    if (!(vector instanceof Float32Array) || vector.length !== this.dim) {
      throw new RegistryError('invalid_input', `query must be a Float32Array of ${this.dim} values`);
    }
    let sumSquares = 0;
    for (let i = 0; i < vector.length; i++) {
      if (!Number.isFinite(vector[i])) throw new RegistryError('invalid_input', `query value ${i} is not finite`);
      sumSquares += vector[i] * vector[i];
    }
    if (!(sumSquares > 0)) throw new RegistryError('invalid_input', 'query has zero length');
  }

  search(vector: Float32Array, k: number, minSimilarity: number): SearchHit[] {
    this.ensureOpen();
    this.checkQuery(vector);
    if (!Number.isInteger(k) || k < 0) throw new RegistryError('invalid_input', 'k must be a whole number');
    if (typeof minSimilarity !== 'number' || !(minSimilarity >= -1 && minSimilarity <= 1)) {
      throw new RegistryError('invalid_input', 'minSimilarity must be a number from -1 to 1');
    }
    return this.index.search(vector, k, minSimilarity);
  }

  searchPeople(vector: Float32Array, k: number, opts: { crowding?: number } = {}): PersonHit[] {
    this.ensureOpen();
    this.checkQuery(vector);
    if (!Number.isInteger(k) || k < 0) throw new RegistryError('invalid_input', 'k must be a whole number');
    if (opts.crowding !== undefined && !(Number.isInteger(opts.crowding) && opts.crowding >= 0)) throw new RegistryError('invalid_input', 'crowding must be a whole number');
    return this.index.searchPeople(vector, k, opts);
  }

  scorePerson(personId: string, vector: Float32Array): SearchHit | null {
    this.ensureOpen();
    this.checkQuery(vector);
    if (!isUuid(personId) || !this.index.hasPerson(personId)) notFound('person', personId);
    return this.index.scorePerson(personId, vector);
  }

  size(): RegistrySize {
    return this.index.size();
  }

  searchablePeople(): number {
    return this.index.searchablePeople();
  }

  indexState(): IndexState {
    return this.index.indexState();
  }

  whenIndexReady(): Promise<void> {
    return this.index.whenReady();
  }

  // ---- export / import ----

  async *export(): AsyncIterable<string> {
    this.ensureOpen();
    yield headerLine(this.store.kind, nowIso());
    for await (const dump of this.store.exportPeople()) yield personLine(dump);
  }

  async import(lines: AsyncIterable<string> | Iterable<string>, by?: AuditContext): Promise<{ people: number; templates: number }> {
    this.ensureOpen();
    auditRecord('registry.import', by); // a bad context fails before reading anything
    const counts = await this.store.importPeople(parseExport(lines, this.modelId, this.dim, this.keepCrops), (n) =>
      auditRecord('registry.import', by, {}, { ...n }),
    );
    // Queued behind any writes made meanwhile; re-reading everything is simplest and exact.
    await this.serial(() => this.reload());
    return counts;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    await this.queue;
    await this.store.close();
    this.index.dispose();
  }
}
