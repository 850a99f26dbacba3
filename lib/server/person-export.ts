/**
 * A person's data on request (issue #11.3): everything held about one person as one JSON
 * document, and nothing about anyone else. Embeddings are left out on purpose: they mean
 * nothing to the person reading the document, and a copy of them outside the server is a
 * biometric key that matches their face in any system running the same model. The registry's
 * own export (JSON Lines, for backups and moving databases) is the one that carries them.
 */
import { LIMITS } from '@/lib/contract/limits';
import type { AuditEntry } from '@/lib/registry/audit';
import type { Registry } from '@/lib/registry/registry';
import type { Sighting } from '@/lib/registry/sightings';

export const PERSON_EXPORT_FORMAT = 'facerec-person';
export const PERSON_EXPORT_VERSION = 1;

export interface PersonExportSources {
  registry: Pick<Registry, 'getPerson' | 'getCrop' | 'sightings' | 'audit'>;
  nowIso: () => string;
}

export interface PersonExport {
  format: typeof PERSON_EXPORT_FORMAT;
  version: typeof PERSON_EXPORT_VERSION;
  exportedAt: string;
  person: Omit<Awaited<ReturnType<Registry['getPerson']>>, 'templates'>;
  /** Metadata of each face template; `crop` is the kept face crop as base64 JPEG (FACEREC_KEEP_CROPS), else null. */
  templates: { id: string; modelId: string; quality: number; source: string; createdAt: string; crop: string | null }[];
  /** Every sighting still kept, newest first. */
  sightings: Omit<Sighting, 'personId'>[];
  /** The audit entries naming this person (ids only, never a name or a face), oldest first. */
  audit: AuditEntry[];
}

/** Builds the document; RegistryError('not_found') for an unknown person. */
export async function exportPerson(personId: string, sources: PersonExportSources): Promise<PersonExport> {
  const { templates, ...person } = await sources.registry.getPerson(personId);
  const exportedTemplates: PersonExport['templates'] = [];
  for (const t of templates) {
    const crop = t.hasCrop ? await sources.registry.getCrop(t.id) : null;
    exportedTemplates.push({ id: t.id, modelId: t.modelId, quality: t.quality, source: t.source, createdAt: t.createdAt, crop: crop ? Buffer.from(crop).toString('base64') : null });
  }
  const sightings: PersonExport['sightings'] = [];
  for (let cursor: string | null = null; ; ) {
    const page = await sources.registry.sightings.list(personId, { limit: LIMITS.sightingsPageMax, cursor });
    for (const { personId: _personId, ...s } of page.sightings) sightings.push(s);
    if (!page.next) break;
    cursor = page.next;
  }
  const document: PersonExport = {
    format: PERSON_EXPORT_FORMAT,
    version: PERSON_EXPORT_VERSION,
    exportedAt: sources.nowIso(),
    person,
    templates: exportedTemplates,
    sightings,
    audit: await auditNaming(personId, sources.registry.audit),
  };
  return document;
}

/** Every audit entry naming the person, oldest first (the trail pages newest first). */
async function auditNaming(personId: string, audit: Registry['audit']): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  for (let cursor: string | null = null; ; ) {
    const page = await audit.list({ personId, limit: LIMITS.auditPageMax, cursor });
    entries.push(...page.entries);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return entries.reverse();
}
