/**
 * PostgreSQL schema, in order. Table names carry a `facerec_` prefix because the database may
 * be shared with other applications. `name_key` uses the "C" collation so people are ordered
 * by code point exactly as in SQLite, whatever the database locale. `metadata` is `json`
 * (not `jsonb`) so the stored text, key order included, comes back exactly.
 */
import type { Migration } from './migration';

export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'people, templates, crops',
    sql: `
      CREATE TABLE facerec_person (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        name_key text COLLATE "C" NOT NULL,
        external_id text UNIQUE,
        metadata json,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      );
      CREATE INDEX facerec_person_by_name_key ON facerec_person (name_key, id);

      CREATE TABLE facerec_template (
        id uuid PRIMARY KEY,
        person_id uuid NOT NULL REFERENCES facerec_person (id) ON DELETE CASCADE,
        model_id text NOT NULL,
        embedding bytea NOT NULL,
        quality double precision NOT NULL,
        source text NOT NULL CHECK (source IN ('camera', 'upload', 'api')),
        created_at timestamptz NOT NULL
      );
      CREATE INDEX facerec_template_by_person ON facerec_template (person_id, created_at, id);
      CREATE INDEX facerec_template_by_model ON facerec_template (model_id);

      -- Apart from templates so loading embeddings never reads face pixels.
      CREATE TABLE facerec_template_crop (
        template_id uuid PRIMARY KEY REFERENCES facerec_template (id) ON DELETE CASCADE,
        jpeg bytea NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'api keys',
    sql: `
      CREATE TABLE facerec_api_key (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        role text NOT NULL,
        hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL,
        last_used_at timestamptz,
        revoked_at timestamptz
      );

      -- Before this migration the key store made its own table, api_keys (no prefix, all text),
      -- outside the migrations. Its keys move here. The database may be shared, so only a
      -- table with exactly that store's columns is taken as ours.
      DO $$
      BEGIN
        IF to_regclass('api_keys') IS NOT NULL AND (
          SELECT count(*) FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = 'api_keys'
        ) = 7 AND (
          SELECT count(*) FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = 'api_keys'
            AND column_name IN ('id', 'name', 'role', 'hash', 'created_at', 'last_used_at', 'revoked_at')
        ) = 7 THEN
          INSERT INTO facerec_api_key (id, name, role, hash, created_at, last_used_at, revoked_at)
            SELECT id::uuid, name, role, hash, created_at::timestamptz, last_used_at::timestamptz, revoked_at::timestamptz
            FROM api_keys;
          DROP TABLE api_keys;
        END IF;
      END
      $$;
    `,
  },
  {
    version: 3,
    name: 'audit trail',
    sql: `
      CREATE TABLE facerec_audit_entry (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL,
        action text NOT NULL,
        actor_kind text NOT NULL CHECK (actor_kind IN ('key', 'admin', 'system')),
        actor_key_id uuid,
        actor_name text NOT NULL,
        -- Target ids; no foreign keys: entries outlive what they name.
        person_id uuid,
        face_id uuid,
        key_id uuid,
        address text,
        details json
      );
      CREATE INDEX facerec_audit_entry_by_person ON facerec_audit_entry (person_id) WHERE person_id IS NOT NULL;

      -- Append-only: rows are added, or erased with the person they name, never rewritten.
      CREATE FUNCTION facerec_audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the audit trail is append-only';
      END
      $$;
      CREATE TRIGGER facerec_audit_entry_append_only BEFORE UPDATE ON facerec_audit_entry
        FOR EACH ROW EXECUTE FUNCTION facerec_audit_entry_append_only();
    `,
  },
  {
    version: 4,
    name: 'sightings',
    sql: `
      -- One row per track of a recognised person (lib/registry/sightings.ts); never a frame,
      -- crop or embedding. key_id is the API key's id as text, not a reference: sightings
      -- outlive a revoked key until retention purges them.
      CREATE TABLE facerec_sighting (
        id uuid PRIMARY KEY,
        person_id uuid NOT NULL REFERENCES facerec_person (id) ON DELETE CASCADE,
        key_id text,
        first_seen_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        best_similarity double precision NOT NULL,
        answers integer NOT NULL
      );
      CREATE INDEX facerec_sighting_by_person_first_seen ON facerec_sighting (person_id, first_seen_at, id);
      CREATE INDEX facerec_sighting_by_person_last_seen ON facerec_sighting (person_id, last_seen_at);
      CREATE INDEX facerec_sighting_by_last_seen ON facerec_sighting (last_seen_at);
    `,
  },
];
