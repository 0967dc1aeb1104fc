-- The tables every service's database holds for the shared mechanisms: the read model
-- (shared/read_model.py), Idempotency-Key claims (shared/http/idempotency_claims.py),
-- parked records (shared/parking.py), per-person keys (shared/vault.py) and the log
-- followers' positions (shared/log_position.py). The event store's own tables are the
-- eventsourcing library's, created by it.
--
-- IF NOT EXISTS throughout: a database made by the releases that created these tables at
-- start-up adopts this migration as it is (same shapes), and is then versioned like any.

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
-- Tables made before claims had leases: an old unanswered claim becomes takeable.
ALTER TABLE idempotency_keys ADD COLUMN IF NOT EXISTS claimed_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE idempotency_keys ADD COLUMN IF NOT EXISTS claim uuid;

CREATE TABLE IF NOT EXISTS parked_records (
    follower text NOT NULL,
    address text NOT NULL,
    reason text NOT NULL,
    parked_at timestamptz NOT NULL DEFAULT now(),
    state text NOT NULL DEFAULT 'parked' CHECK (state IN ('parked', 'retried', 'skipped')),
    resolved_at timestamptz,
    PRIMARY KEY (follower, address)
);

-- erased_subjects remembers who was erased (an id, nothing else), so that nothing is
-- sealed for them again: a still-valid token of an erased person must not mint a key.
CREATE TABLE IF NOT EXISTS subject_keys (
    subject_id uuid PRIMARY KEY,
    sealed_key bytea NOT NULL
);
CREATE TABLE IF NOT EXISTS erased_subjects (
    subject_id uuid PRIMARY KEY
);

CREATE TABLE IF NOT EXISTS log_position (
    follower text PRIMARY KEY,
    notification_id bigint NOT NULL
);
