/**
 * Child process of crash.test.ts (run with tsx): enrolls people, each with three templates and
 * crops, in a loop, and prints `ack <person id> <name>` once each enrollment has returned.
 * Every third round it also deletes the person before, printing `deleting <id>` before and
 * `gone <id>` after (a deletion erases the person's audit entries and writes its own). The
 * test kills it with SIGKILL at random moments. Writes to a pipe are synchronous on Linux, so
 * every printed line has left the process before the next write starts.
 *
 * Usage: tsx tests/registry/crash-writer.ts '{"dataDir": "..."}' | '{"databaseUrl": "..."}'
 */
import { createRegistry } from '@/lib/registry';
import { CRASH_MODEL, crashTemplates } from './crash-vectors';

async function main(): Promise<void> {
  const target = JSON.parse(process.argv[2] ?? '{}') as { dataDir?: string; databaseUrl?: string; prefix: string };
  const registry = await createRegistry({ dataDir: target.dataDir, databaseUrl: target.databaseUrl, modelId: CRASH_MODEL, dim: 128, keepCrops: true });
  process.stdout.write('ready\n');
  let previous: string | null = null;
  for (let i = 0; ; i++) {
    const name = `${target.prefix} ${i}`;
    const { person } = await registry.addPerson({ name, externalId: name }, crashTemplates(name));
    process.stdout.write(`ack ${person.id} ${name}\n`);
    if (i % 3 === 2 && previous) {
      process.stdout.write(`deleting ${previous}\n`);
      await registry.deletePerson(previous);
      process.stdout.write(`gone ${previous}\n`);
    }
    previous = person.id;
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${String((e as Error)?.stack ?? e)}\n`);
  process.exit(1);
});
