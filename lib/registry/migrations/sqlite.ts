/**
 * SQLite schema, in order. Ids are lower-case UUID text; times are ISO 8601 UTC text with
 * milliseconds; embeddings are float32 little-endian BLOBs, unit length. STRICT tables so a
 * wrong type is an error, not a silent conversion.
 */
import type { Migration } from './migration';

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'people, templates, crops',
    sql: `
      CREATE TABLE person (
        id TEXT PRIMARY KEY NOT NULL,
        name TEXT NOT NULL,
        name_key TEXT NOT NULL,
        external_id TEXT UNIQUE,
        metadata TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX person_by_name_key ON person (name_key, id);

      CREATE TABLE template (
        id TEXT PRIMARY KEY NOT NULL,
        person_id TEXT NOT NULL REFERENCES person (id) ON DELETE CASCADE,
        model_id TEXT NOT NULL,
        embedding BLOB NOT NULL,
        quality REAL NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('camera', 'upload', 'api')),
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX template_by_person ON template (person_id, created_at, id);
      CREATE INDEX template_by_model ON template (model_id);

      -- Apart from template so loading embeddings never reads face pixels.
      CREATE TABLE template_crop (
        template_id TEXT PRIMARY KEY NOT NULL REFERENCES template (id) ON DELETE CASCADE,
        jpeg BLOB NOT NULL
      ) STRICT;
    `,
  },
];
