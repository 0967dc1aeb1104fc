#!/usr/bin/env bash
# Run once by the postgres:15 image's entrypoint, on an empty data volume only, as the
# image's superuser (POSTGRES_USER), against a server listening on the unix socket only.
# One database per service (services never read each other's tables), named by the same
# variables the services read; the defaults match deploy/env.sh.
set -euo pipefail

for db in "${INTAKE_DATABASE:-mentoring_intake}" \
          "${MATCHING_DATABASE:-mentoring_matching}" \
          "${SESSIONS_DATABASE:-mentoring_sessions}" \
          "${INSIGHTS_DATABASE:-mentoring_insights}" \
          "${WEBHOOKS_DATABASE:-mentoring_webhooks}"; do
  psql -v ON_ERROR_STOP=1 -X -q --username "$POSTGRES_USER" --dbname postgres -v db="$db" <<'SQL'
SELECT format('CREATE DATABASE %I', :'db')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
SQL
done
