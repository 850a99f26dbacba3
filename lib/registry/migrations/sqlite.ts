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
  {
    // Renumbered at merge if other migrations land first: versions must stay without gaps.
    version: 2,
    name: 'sightings',
    sql: `
      -- One row per track of a recognised person (lib/registry/sightings.ts); never a frame,
      -- crop or embedding. key_id is the API key's id as text, not a reference: sightings
      -- outlive a revoked key until retention purges them.
      CREATE TABLE sighting (
        id TEXT PRIMARY KEY NOT NULL,
        person_id TEXT NOT NULL REFERENCES person (id) ON DELETE CASCADE,
        key_id TEXT,
        first_seen_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        best_similarity REAL NOT NULL,
        answers INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX sighting_by_person_first_seen ON sighting (person_id, first_seen_at, id);
      CREATE INDEX sighting_by_person_last_seen ON sighting (person_id, last_seen_at);
      CREATE INDEX sighting_by_last_seen ON sighting (last_seen_at);
    `,
  },
];
