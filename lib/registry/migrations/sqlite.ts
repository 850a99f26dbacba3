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
    version: 2,
    name: 'api keys',
    sql: `
      CREATE TABLE api_key (
        id TEXT PRIMARY KEY NOT NULL,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        last_used_at TEXT,
        revoked_at TEXT
      ) STRICT;

      -- Before this migration the key store made its own table, api_keys, outside the
      -- migrations (same file). Its live keys move here; created empty when absent so the
      -- copy is one statement either way.
      CREATE TABLE IF NOT EXISTS api_keys (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL, last_used_at TEXT, revoked_at TEXT
      );
      INSERT INTO api_key (id, name, role, hash, created_at, last_used_at, revoked_at)
        SELECT id, name, role, hash, created_at, last_used_at, revoked_at FROM api_keys;
      DROP TABLE api_keys;
    `,
  },
  {
    version: 3,
    name: 'audit trail',
    sql: `
      -- AUTOINCREMENT: a sequence number is never reused, even after a person's entries are
      -- erased, so entry ids only increase and cursors stay valid.
      CREATE TABLE audit_entry (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        action TEXT NOT NULL,
        actor_kind TEXT NOT NULL CHECK (actor_kind IN ('key', 'admin', 'system')),
        actor_key_id TEXT,
        actor_name TEXT NOT NULL,
        -- Target ids; no foreign keys: entries outlive what they name.
        person_id TEXT,
        face_id TEXT,
        key_id TEXT,
        address TEXT,
        details TEXT
      ) STRICT;
      CREATE INDEX audit_entry_by_person ON audit_entry (person_id) WHERE person_id IS NOT NULL;

      -- Append-only: rows are added, or erased with the person they name, never rewritten.
      CREATE TRIGGER audit_entry_append_only BEFORE UPDATE ON audit_entry
      BEGIN
        SELECT RAISE(ABORT, 'the audit trail is append-only');
      END;
    `,
  },
  {
    version: 4,
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
