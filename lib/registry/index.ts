/**
 * Opening a registry: SQLite in the data folder by default, PostgreSQL when a database URL is
 * given. Everything comes in as arguments: the registry reads no config and holds no global
 * (the app's one registry is opened by lib/server/app.ts, the composition root).
 */
import path from 'node:path';
import { IndexedRegistry, type IndexedRegistryOptions } from './indexed-registry';
import { PostgresStore } from './postgres';
import type { Registry } from './registry';
import { SQLITE_FILE_NAME, SqliteStore } from './sqlite';
import { checkModelId } from './validate';

export * from './registry';
export * from './audit';
export * from './keys';
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
