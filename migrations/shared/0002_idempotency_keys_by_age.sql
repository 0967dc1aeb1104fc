-- The hourly forget_old_keys deletes by created_at: without this index each run reads
-- the whole table, which holds a day of every caller's writes.
-- depends: 0001_shared_tables

CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
