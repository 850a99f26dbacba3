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
    // Renumbered at merge if other migrations land first: versions must stay without gaps.
    version: 2,
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
