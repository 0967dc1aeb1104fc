-- The matchmaker reads its pool on every pass (pool_queries.mentors_of, awaiting_requests):
-- each member joined with its seat ledger by the ledger's participant, and the program's
-- open proposals counted. Without these, the join read every ledger for every member
-- (54 ms for 370 mentors in the end-to-end bench, growing with the square of the pool,
-- PostgreSQL's time on every pass); with them, 1.6 ms.
-- depends: 0001_shared_tables

CREATE INDEX documents_seats_of ON documents ((body->>'participant_id'), (body->>'role')) WHERE kind = 'seats';
CREATE INDEX documents_by_program ON documents (kind, program_id, status);
