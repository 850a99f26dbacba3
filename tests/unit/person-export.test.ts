/**
 * A person's data on request, built from a real SQLite registry: the record, templates'
 * metadata with kept crops, every sighting, and nothing of anyone else's; never an embedding.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRegistry } from '@/lib/registry';
import type { Registry } from '@/lib/registry/registry';
import { embeddingToBytes } from '@/lib/registry/validate';
import { exportPerson } from '@/lib/server/person-export';
import { MODEL } from '../registry/contract.case';
import { fakeJpeg, randomUnit, seededRng, template } from '../registry/vectors';

const at = (s: number) => new Date(Date.parse('2026-02-01T08:00:00.000Z') + s * 1000).toISOString();

describe('person export', () => {
  let dataDir: string;
  let registry: Registry;
  const rng = seededRng(21);

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facerec-person-export-'));
    registry = await createRegistry({ dataDir, modelId: MODEL, dim: 128, keepCrops: true });
  });
  afterEach(async () => {
    await registry.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('holds the record, templates with crops, all sightings, and nothing of anyone else', async () => {
    const secret = randomUnit(128, rng);
    const { person, templates } = await registry.addPerson({ name: 'Ada Lovelace', externalId: 'ada-1', metadata: { team: 'math' } }, [
      template(secret, MODEL, { crop: fakeJpeg(1) }),
      template(randomUnit(128, rng), MODEL, { source: 'upload', quality: 0.5 }),
    ]);
    const { person: other } = await registry.addPerson({ name: 'Alan Turing', externalId: 'alan-1' }, [template(randomUnit(128, rng), MODEL, { crop: fakeJpeg(2) })]);
    // More sightings than one page of the repository, so paging is exercised.
    for (let i = 0; i < 205; i++) await registry.sightings.record({ personId: person.id, keyId: 'k1', similarity: 0.7, at: at(i * 60) });
    await registry.sightings.record({ personId: other.id, keyId: 'k1', similarity: 0.9, at: at(0) });

    const doc = await exportPerson(person.id, { registry, nowIso: () => '2026-02-02T00:00:00.000Z' });
    expect(doc).toMatchObject({ format: 'facerec-person', version: 1, exportedAt: '2026-02-02T00:00:00.000Z' });
    expect(doc.person).toMatchObject({ id: person.id, name: 'Ada Lovelace', externalId: 'ada-1', metadata: { team: 'math' }, templateCount: 2 });
    // Templates made in one call share createdAt and come ordered by id.
    const byId = <T extends { id: string }>(xs: T[]) => [...xs].sort((a, b) => a.id.localeCompare(b.id));
    expect(byId(doc.templates)).toEqual(byId([
      { id: templates[0].id, modelId: MODEL, quality: 0.8, source: 'camera', createdAt: templates[0].createdAt, crop: Buffer.from(fakeJpeg(1)).toString('base64') },
      { id: templates[1].id, modelId: MODEL, quality: 0.5, source: 'upload', createdAt: templates[1].createdAt, crop: null },
    ]));
    expect(doc.sightings).toHaveLength(205);
    expect(doc.sightings[0]).toEqual({ id: expect.any(String), keyId: 'k1', firstSeenAt: at(204 * 60), lastSeenAt: at(204 * 60), bestSimilarity: 0.7, answers: 1 });
    // Her audit entries (creation and both faces), none of Alan's.
    expect(doc.audit.map((e) => [e.action, e.personId])).toEqual([['person.create', person.id], ['face.add', person.id], ['face.add', person.id]]);

    const text = JSON.stringify(doc);
    for (const foreign of [other.id, 'Alan Turing', 'alan-1', Buffer.from(fakeJpeg(2)).toString('base64')]) expect(text).not.toContain(foreign);
    // No embedding, in any encoding: not as bytes, not as numbers.
    expect(text).not.toContain(embeddingToBytes(secret).toString('base64').slice(0, 16));
    expect(text).not.toContain(String(secret[0]).slice(0, 8));
    expect(text).not.toMatch(/embedding/i);
  });

  test('carries every audit entry naming the person, oldest first, and answers not_found for an unknown person', async () => {
    const { person } = await registry.addPerson({ name: 'Grace Hopper' });
    await registry.updatePerson(person.id, { name: 'Grace B. Hopper' });
    const doc = await exportPerson(person.id, { registry, nowIso: () => '2026-02-02T00:00:00.000Z' });
    expect(doc.audit.map((e) => e.action)).toEqual(['person.create', 'person.update']);
    expect(doc.audit.every((e) => e.personId === person.id)).toBe(true);
    // Entries name ids only: the new name is not in them.
    expect(JSON.stringify(doc.audit)).not.toContain('Grace');
    expect(doc.sightings).toEqual([]);
    await expect(exportPerson('00000000-0000-4000-8000-000000000000', { registry, nowIso: () => '' })).rejects.toMatchObject({ code: 'not_found' });
  });
});
