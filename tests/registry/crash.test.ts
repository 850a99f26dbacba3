/**
 * Crash safety of enrollment, on both backends: a child process enrolls (and now and then
 * deletes) people in a loop and prints each acknowledged id; it is killed with SIGKILL at a
 * random moment, several times. After each kill the registry is reopened: every acknowledged
 * person must be there whole, and no person may be there in part; every change must have its
 * audit entry and no entry may be there without its change.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRegistry } from '@/lib/registry';
import type { Registry } from '@/lib/registry/registry';
import { startPostgres, type PostgresServer } from '../helpers/postgres';
import { expectRegistryError } from './contract.case';
import { CRASH_MODEL, CRASH_TEMPLATES_PER_PERSON, crashTemplates } from './crash-vectors';
import { allEntries } from './keys-audit.case';
import { seededRng, type Rng } from './vectors';

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const WRITER = path.join(__dirname, 'crash-writer.ts');
const ROUNDS = 4;
/** Longest wait after the first acknowledgement before the kill, ms. */
const MAX_KILL_DELAY_MS = 400;

interface Ack {
  id: string;
  name: string;
}

/** What the writer said: enrollments acknowledged, deletions begun and acknowledged. */
interface Said {
  acks: Ack[];
  deleting: Set<string>;
  gone: Set<string>;
}

type Target = { dataDir: string } | { databaseUrl: string };

/** Runs the writer until a random moment after its first acknowledgement, then SIGKILLs it. */
async function enrollUntilKilled(target: Target, prefix: string, rng: Rng): Promise<Said> {
  // Its own process group: tsx runs the script in a child node process, and both must die at once.
  const child = spawn(TSX, [WRITER, JSON.stringify({ ...target, prefix })], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const acks: Ack[] = [];
  const deleting = new Set<string>();
  const gone = new Set<string>();
  let pending = '';
  let stderr = '';
  let killed = false;
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  const firstAck = new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        const match = /^ack (\S+) (.+)$/.exec(line);
        if (match) {
          acks.push({ id: match[1], name: match[2] });
          resolve();
        }
        const deletion = /^(deleting|gone) (\S+)$/.exec(line);
        if (deletion) (deletion[1] === 'gone' ? gone : deleting).add(deletion[2]);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    void closed.then((code) => {
      if (!killed) reject(new Error(`crash writer exited by itself (code ${code}):\n${stderr}`));
    });
  });
  const timeout = setTimeout(() => process.kill(-(child.pid as number), 'SIGKILL'), 90_000);
  try {
    await firstAck;
    await new Promise((resolve) => setTimeout(resolve, rng() * MAX_KILL_DELAY_MS));
    killed = true;
    process.kill(-(child.pid as number), 'SIGKILL');
    await closed;
  } finally {
    clearTimeout(timeout);
  }
  return { acks, deleting, gone }; // a line cut by the kill has no newline and is not counted
}

/**
 * Every acknowledged person whole (record, templates, crops, searchable) unless a deletion of
 * theirs began; every acknowledged deletion done; no person in part. Returns the people stored.
 */
async function expectWholePeople(registry: Registry, said: Said): Promise<Set<string>> {
  for (const id of said.gone) await expectRegistryError(registry.getPerson(id), 'not_found');
  for (const ack of said.acks.filter((a) => !said.deleting.has(a.id))) {
    const person = await registry.getPerson(ack.id);
    expect(person.name).toBe(ack.name);
    expect(person.templates).toHaveLength(CRASH_TEMPLATES_PER_PERSON);
    expect(person.templates.every((t) => t.hasCrop)).toBe(true);
    for (const t of crashTemplates(ack.name)) {
      expect(registry.search(t.embedding, 1, 0.999)[0]?.personId).toBe(ack.id);
    }
  }
  const stored = new Set<string>();
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<Registry['listPeople']>> = await registry.listPeople({ limit: 500, cursor });
    for (const p of page.people) expect(p.templateCount).toBe(CRASH_TEMPLATES_PER_PERSON);
    for (const p of page.people) stored.add(p.id);
    cursor = page.next;
  } while (cursor);
  // Killed after a commit but before its ack, a person may be stored yet unacknowledged: never the reverse.
  expect(stored.size).toBeGreaterThanOrEqual(said.acks.length - said.deleting.size);
  expect(registry.size()).toEqual({ people: stored.size, templates: stored.size * CRASH_TEMPLATES_PER_PERSON, staleTemplates: 0 });
  return stored;
}

/**
 * Each change with exactly its entries, each entry with its change: a stored person has
 * person.create and one face.add per template; a person not stored has only person.delete.
 */
async function expectAuditOfChanges(registry: Registry, stored: Set<string>, said: Said): Promise<void> {
  const actions = new Map<string, string[]>();
  for (const entry of await allEntries(registry)) {
    expect(entry.personId).not.toBeNull();
    const list = actions.get(entry.personId as string) ?? [];
    list.push(entry.action);
    actions.set(entry.personId as string, list);
  }
  const enrolled = ['face.add', 'face.add', 'face.add', 'person.create'];
  for (const id of stored) expect([id, [...(actions.get(id) ?? [])].sort()]).toEqual([id, enrolled]);
  for (const [id, list] of actions) {
    if (!stored.has(id)) expect([id, list]).toEqual([id, ['person.delete']]);
  }
  for (const id of said.gone) expect(actions.get(id)).toEqual(['person.delete']);
}

async function crashRounds(target: Target, seed: number): Promise<void> {
  const rng = seededRng(seed);
  const said: Said = { acks: [], deleting: new Set(), gone: new Set() };
  for (let round = 0; round < ROUNDS; round++) {
    const now = await enrollUntilKilled(target, `round${round}`, rng);
    said.acks.push(...now.acks);
    for (const id of now.deleting) said.deleting.add(id);
    for (const id of now.gone) said.gone.add(id);
    const registry = await createRegistry({ ...target, modelId: CRASH_MODEL, dim: 128, keepCrops: true });
    try {
      await expectAuditOfChanges(registry, await expectWholePeople(registry, said), said);
    } finally {
      await registry.close();
    }
  }
  expect(said.acks.length).toBeGreaterThanOrEqual(ROUNDS);
}

describe('enrollment and deletion survive the process being killed at any moment', () => {
  test('SQLite keeps every acknowledged person whole and none in part, each change with its audit entry and no entry without its change', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facerec-crash-'));
    try {
      await crashRounds({ dataDir }, 1);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);

  describe('on PostgreSQL', () => {
    let server: PostgresServer;
    beforeAll(async () => {
      server = await startPostgres();
    }, 120_000);
    afterAll(async () => {
      await server?.stop();
    });

    test('PostgreSQL keeps every acknowledged person whole and none in part, each change with its audit entry and no entry without its change', async () => {
      await crashRounds({ databaseUrl: await server.createDatabase() }, 2);
    }, 240_000);
  });
});
