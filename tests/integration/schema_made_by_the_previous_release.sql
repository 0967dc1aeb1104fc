-- What the release before versioned migrations created at each service's start-up
-- (shared/runtime.py's start and services/insights/schema.py), kept so that
-- test_migrations.py can make a database the way that release left it.
-- section: shared
CREATE TABLE IF NOT EXISTS idempotency_keys (
    scope text NOT NULL,
    key text NOT NULL,
    fingerprint text NOT NULL,
    status int,
    headers jsonb,
    body bytea,
    created_at timestamptz NOT NULL DEFAULT now(),
    claimed_at timestamptz NOT NULL DEFAULT now(),
    claim uuid,
    PRIMARY KEY (scope, key)
);
-- Tables created before claims had leases: an old unanswered claim becomes takeable.
ALTER TABLE idempotency_keys ADD COLUMN IF NOT EXISTS claimed_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE idempotency_keys ADD COLUMN IF NOT EXISTS claim uuid;
CREATE TABLE IF NOT EXISTS documents (
    kind text NOT NULL,
    id uuid NOT NULL,
    tenant text NOT NULL,
    program_id uuid,
    status text NOT NULL,
    tags text[] NOT NULL DEFAULT '{}',
    version int NOT NULL,
    created_at timestamptz NOT NULL,
    body jsonb NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX IF NOT EXISTS documents_listing ON documents (kind, created_at, id);
CREATE INDEX IF NOT EXISTS documents_tags ON documents USING gin (tags);
CREATE TABLE IF NOT EXISTS subject_keys (
    subject_id uuid PRIMARY KEY,
    sealed_key bytea NOT NULL
);
CREATE TABLE IF NOT EXISTS erased_subjects (
    subject_id uuid PRIMARY KEY
);
CREATE TABLE IF NOT EXISTS parked_records (
    follower text NOT NULL,
    address text NOT NULL,
    reason text NOT NULL,
    parked_at timestamptz NOT NULL DEFAULT now(),
    state text NOT NULL DEFAULT 'parked' CHECK (state IN ('parked', 'retried', 'skipped')),
    resolved_at timestamptz,
    PRIMARY KEY (follower, address)
);
CREATE TABLE IF NOT EXISTS log_position (
    follower text PRIMARY KEY,
    notification_id bigint NOT NULL
);
-- section: insights
CREATE TABLE IF NOT EXISTS events (
    topic text NOT NULL,
    partition integer NOT NULL,
    "offset" bigint NOT NULL,
    service text NOT NULL,
    ingest_seq bigserial NOT NULL UNIQUE,
    id text NOT NULL,
    type text NOT NULL,
    time timestamptz NOT NULL,
    program text,
    relationship text,
    entities text[] NOT NULL,
    organizations text[] NOT NULL,
    body text NOT NULL,
    PRIMARY KEY (topic, partition, "offset")
);
CREATE INDEX IF NOT EXISTS events_by_service_partition ON events (service, partition, "offset");
CREATE INDEX IF NOT EXISTS events_by_program ON events (program, ingest_seq);
CREATE INDEX IF NOT EXISTS events_by_time ON events (time);
CREATE INDEX IF NOT EXISTS events_by_entity ON events USING gin (entities);
CREATE INDEX IF NOT EXISTS events_by_organization ON events USING gin (organizations);
CREATE TABLE IF NOT EXISTS positions (
    topic text NOT NULL,
    partition integer NOT NULL,
    "offset" bigint NOT NULL,
    PRIMARY KEY (topic, partition)
);
CREATE TABLE IF NOT EXISTS entity_organizations (
    entity text NOT NULL,
    organization text NOT NULL,
    PRIMARY KEY (entity, organization)
);
