-- Insights' own tables: the public events as they were on the topics, the consumer's
-- position per partition (moved in the transaction that stores the events), and the
-- small facts that say which organizations an event concerns. IF NOT EXISTS: a database
-- made by the releases that created these at start-up adopts this migration as it is.

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
