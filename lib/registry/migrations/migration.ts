/**
 * Versioned schema changes. Each backend keeps its list in order, applies the ones above the
 * database's version in one transaction at open, and refuses a database whose version is
 * above the last one it knows (written by a newer facerec) instead of guessing.
 */
import { RegistryError } from '../registry';

export interface Migration {
  /** 1, 2, 3, ... without gaps. */
  version: number;
  name: string;
  sql: string;
}

export function latestVersion(migrations: readonly Migration[]): number {
  return migrations.length === 0 ? 0 : migrations[migrations.length - 1].version;
}

/** The migrations to apply to a database at version `current`; throws `schema_too_new` above the latest. */
export function migrationsAfter(current: number, migrations: readonly Migration[], where: string): Migration[] {
  const latest = latestVersion(migrations);
  if (current > latest) {
    throw new RegistryError(
      'schema_too_new',
      `${where} has registry schema version ${current}, but this facerec knows versions up to ${latest}. ` +
        'It was written by a newer facerec; refusing to open it so it cannot be damaged. Upgrade facerec to open it.',
    );
  }
  return migrations.filter((m) => m.version > current);
}
