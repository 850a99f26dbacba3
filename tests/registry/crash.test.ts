/**
 * Crash safety of enrollment, on both backends: a child process enrolls people in a loop and
 * prints each acknowledged id; it is killed with SIGKILL at a random moment, several times.
 * After each kill the registry is reopened: every acknowledged person must be there whole,
 * and no person may be there in part.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRegistry } from '@/lib/registry';
import type { Registry } from '@/lib/registry/registry';
import { startPostgres, type PostgresServer } from '../helpers/postgres';
import { CRASH_MODEL, CRASH_TEMPLATES_PER_PERSON, crashTemplates } from './crash-vectors';
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

type Target = { dataDir: string } | { databaseUrl: string };

/** Runs the writer until a random moment after its first acknowledgement, then SIGKILLs it. */
async function enrollUntilKilled(target: Target, prefix: string, rng: Rng): Promise<Ack[]> {
  // Its own process group: tsx runs the script in a child node process, and both must die at once.
  const child = spawn(TSX, [WRITER, JSON.stringify({ ...target, prefix })], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const acks: Ack[] = [];
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
  return acks; // a line cut by the kill has no newline and is not counted
}

/** Every acknowledged person whole (record, templates, crops, searchable); no person in part. */
async function expectWholePeople(registry: Registry, acks: Ack[]): Promise<void> {
  for (const ack of acks) {
    const person = await registry.getPerson(ack.id);
    expect(person.name).toBe(ack.name);
    expect(person.templates).toHaveLength(CRASH_TEMPLATES_PER_PERSON);
    expect(person.templates.every((t) => t.hasCrop)).toBe(true);
    for (const t of crashTemplates(ack.name)) {
      expect(registry.search(t.embedding, 1, 0.999)[0]?.personId).toBe(ack.id);
    }
  }
  let stored = 0;
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<Registry['listPeople']>> = await registry.listPeople({ limit: 500, cursor });
    for (const p of page.people) expect(p.templateCount).toBe(CRASH_TEMPLATES_PER_PERSON);
    stored += page.people.length;
    cursor = page.next;
  } while (cursor);
  // Killed after a commit but before its ack, a person may be stored yet unacknowledged: never the reverse.
  expect(stored).toBeGreaterThanOrEqual(acks.length);
  expect(registry.size()).toEqual({ people: stored, templates: stored * CRASH_TEMPLATES_PER_PERSON, staleTemplates: 0 });
}

async function crashRounds(target: Target, seed: number): Promise<void> {
  const rng = seededRng(seed);
  const acks: Ack[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    acks.push(...(await enrollUntilKilled(target, `round${round}`, rng)));
    const registry = await createRegistry({ ...target, modelId: CRASH_MODEL, dim: 128, keepCrops: true });
    try {
      await expectWholePeople(registry, acks);
    } finally {
      await registry.close();
    }
  }
  expect(acks.length).toBeGreaterThanOrEqual(ROUNDS);
}

describe('enrollment survives the process being killed at any moment', () => {
  test('SQLite keeps every acknowledged person whole and none in part', async () => {
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

    test('PostgreSQL keeps every acknowledged person whole and none in part', async () => {
      await crashRounds({ databaseUrl: await server.createDatabase() }, 2);
    }, 240_000);
  });
});
