/**
 * Opening a registry: SQLite in the data folder by default, PostgreSQL when a database URL is
 * given; and the app's one registry (`getRegistry`), built from the validated config.
 */
import path from 'node:path';
import { getConfig } from '@/lib/server/config';
import { IndexedRegistry, type IndexedRegistryOptions } from './indexed-registry';
import { PostgresStore } from './postgres';
import { RegistryError, type Registry } from './registry';
import { SQLITE_FILE_NAME, SqliteStore } from './sqlite';
import type { RegistryLogger } from './store';
import { checkModelId } from './validate';

export * from './registry';
export type { RegistryLogger } from './store';

/** Where the registry lives, plus the index's own options. */
export interface CreateRegistryOptions extends IndexedRegistryOptions {
  /** Folder of `facerec.db` when no database URL is given (default ./data). */
  dataDir?: string;
  /** postgres://... : use PostgreSQL instead of SQLite. */
  databaseUrl?: string;
}

/** Opens the database (creating and migrating it as needed) and loads the search index. */
export async function createRegistry(opts: CreateRegistryOptions): Promise<Registry> {
  checkModelId(opts.modelId);
  const store = opts.databaseUrl
    ? await PostgresStore.open({ url: opts.databaseUrl, log: opts.log })
    : new SqliteStore(path.resolve(opts.dataDir ?? './data', SQLITE_FILE_NAME));
  const { dataDir: _dataDir, databaseUrl: _databaseUrl, ...indexOptions } = opts;
  return IndexedRegistry.open(store, indexOptions);
}

const REGISTRY_KEY = Symbol.for('facerec.registry');

interface HeldRegistry {
  modelId: string;
  dim: number;
  registry: Promise<Registry>;
}

type RegistryHolder = { [REGISTRY_KEY]?: HeldRegistry };

/**
 * The app's registry, opened on first use from the config. Kept on globalThis so Next's dev
 * reloads reuse it instead of opening the database again.
 */
export function getRegistry(model: { modelId: string; dim: number }, log?: RegistryLogger): Promise<Registry> {
  const holder = globalThis as RegistryHolder;
  const held = holder[REGISTRY_KEY];
  if (held) {
    if (held.modelId !== model.modelId || held.dim !== model.dim) {
      throw new RegistryError('invalid_input', `the registry is open for model ${held.modelId} (${held.dim}), not ${model.modelId} (${model.dim})`);
    }
    return held.registry;
  }
  const config = getConfig();
  const registry = createRegistry({
    dataDir: config.FACEREC_DATA_DIR,
    databaseUrl: config.FACEREC_DATABASE_URL,
    keepCrops: config.FACEREC_KEEP_CROPS,
    annMinTemplates: config.FACEREC_ANN_MIN_TEMPLATES,
    modelId: model.modelId,
    dim: model.dim,
    log,
  });
  holder[REGISTRY_KEY] = { ...model, registry };
  // A failed open is not kept: the next call tries again.
  registry.catch(() => {
    if (holder[REGISTRY_KEY]?.registry === registry) delete holder[REGISTRY_KEY];
  });
  return registry;
}

/** Closes the app's registry (graceful shutdown); the next getRegistry opens it again. */
export async function closeRegistry(): Promise<void> {
  const holder = globalThis as RegistryHolder;
  const held = holder[REGISTRY_KEY];
  if (!held) return;
  delete holder[REGISTRY_KEY];
  const registry = await held.registry.catch(() => null);
  await registry?.close();
}
