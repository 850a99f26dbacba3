/**
 * Sightings on SQLite: the shared sightings contract on a temp file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRegistry } from '@/lib/registry';
import type { Registry } from '@/lib/registry/registry';
import { MODEL } from './contract.case';
import { runSightingsContract, type SightingsHarness } from './sightings.case';

async function sqliteHarness(): Promise<SightingsHarness> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facerec-sightings-'));
  const opened: Registry[] = [];
  return {
    async open(opts = {}) {
      const registry = await createRegistry({ dataDir, modelId: opts.modelId ?? MODEL, dim: opts.dim ?? 128 });
      opened.push(registry);
      return registry;
    },
    async cleanup() {
      for (const r of opened) await r.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

runSightingsContract('SQLite', sqliteHarness);
