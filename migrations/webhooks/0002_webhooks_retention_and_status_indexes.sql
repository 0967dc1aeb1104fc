-- Retention (services/webhooks/retention.py) finds delivered deliveries by age and the
-- events no delivery refers to any more; `mentoring status` counts failed deliveries.
-- Without these, each hourly pass and each status would read the whole table.
-- depends: 0001_webhooks_tables

CREATE INDEX deliveries_delivered_by_age ON deliveries (delivered_at) WHERE state = 'delivered';
CREATE INDEX deliveries_by_event ON deliveries (event_seq);
CREATE INDEX events_by_age ON events (stored_at);
CREATE INDEX deliveries_failed ON deliveries (endpoint_id) WHERE state = 'failed';
