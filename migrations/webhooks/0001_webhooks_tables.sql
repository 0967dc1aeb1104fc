-- Webhooks' own tables: the public events as they were on the topics with the consumer's
-- position, the facts that say which organizations an event concerns, the partners'
-- endpoints, and one delivery row per event and endpoint: the outbox the dispatcher works
-- from, so that a restart loses no delivery. IF NOT EXISTS: a database the first release
-- made at start-up adopts this migration unchanged.
CREATE TABLE IF NOT EXISTS events (
    seq bigserial PRIMARY KEY,
    topic text NOT NULL,
    partition integer NOT NULL,
    "offset" bigint NOT NULL,
    id text NOT NULL,
    type text NOT NULL,
    subject text NOT NULL,
    entities text[] NOT NULL,
    organizations text[] NOT NULL,
    body text NOT NULL,
    stored_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (topic, partition, "offset")
);
CREATE INDEX IF NOT EXISTS events_by_entity ON events USING gin (entities);
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
CREATE TABLE IF NOT EXISTS endpoints (
    id uuid PRIMARY KEY,
    organization text NOT NULL,
    url text NOT NULL,
    types text[] NOT NULL,
    description text NOT NULL,
    enabled boolean NOT NULL DEFAULT true,
    disabled_reason text,
    sealed_secret bytea NOT NULL,
    sealed_previous_secret bytea,
    previous_secret_until timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_success_at timestamptz
);
CREATE INDEX IF NOT EXISTS endpoints_by_organization ON endpoints (organization, created_at, id);
CREATE TABLE IF NOT EXISTS deliveries (
    seq bigserial PRIMARY KEY,
    id uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    endpoint_id uuid NOT NULL REFERENCES endpoints ON DELETE CASCADE,
    event_seq bigint NOT NULL REFERENCES events,
    subject text NOT NULL,
    state text NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'in_flight', 'delivered', 'failed')),
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    lease_until timestamptz,
    first_attempt_at timestamptz,
    last_status integer,
    last_error text,
    last_latency_ms double precision,
    created_at timestamptz NOT NULL DEFAULT now(),
    delivered_at timestamptz,
    UNIQUE (endpoint_id, event_seq)
);
-- The dispatcher's queue: per endpoint and subject, the oldest unfinished delivery.
CREATE INDEX IF NOT EXISTS deliveries_unfinished ON deliveries (endpoint_id, subject, seq)
    WHERE state IN ('pending', 'in_flight');
CREATE INDEX IF NOT EXISTS deliveries_by_endpoint ON deliveries (endpoint_id, created_at, id);
