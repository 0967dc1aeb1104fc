# shellcheck shell=bash
# Sourced (bash), never run: `source deploy/env.sh`. The one set of variable names that
# the services (shared/settings.py), the tests, deploy/*.sh and docker-compose.yml share.
# A value already in the environment wins, so CI or a developer can point everything at
# other servers by exporting the same names first.

DEPLOY_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Derived from this file's place, not from the environment: a stray REPO_DIR or DATA_DIR
# exported for something else must not send initdb or rm somewhere unexpected.
REPO_DIR="$(dirname "$DEPLOY_DIR")"
DATA_DIR="$REPO_DIR/.data"    # servers' state, logs, pid files (ignored by git)
CACHE_DIR="$REPO_DIR/.cache"  # downloads (ignored by git)
export DEPLOY_DIR REPO_DIR DATA_DIR CACHE_DIR

# --- what the services and tests read -------------------------------------------------
export KAFKA_PORT="${KAFKA_PORT:-9092}"
export KAFKA_BOOTSTRAP_SERVERS="${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:$KAFKA_PORT}"

# 55432, not 5432: a system cluster from Debian's package may already own 5432.
export POSTGRES_HOST="${POSTGRES_HOST:-127.0.0.1}"
export POSTGRES_PORT="${POSTGRES_PORT:-55432}"
export POSTGRES_USER="${POSTGRES_USER:-mentoring}"
export POSTGRES_PASSWORD="${POSTGRES_PASSWORD:-mentoring}"
export INTAKE_DATABASE="${INTAKE_DATABASE:-mentoring_intake}"
export MATCHING_DATABASE="${MATCHING_DATABASE:-mentoring_matching}"
export SESSIONS_DATABASE="${SESSIONS_DATABASE:-mentoring_sessions}"
export INSIGHTS_DATABASE="${INSIGHTS_DATABASE:-mentoring_insights}"
export WEBHOOKS_DATABASE="${WEBHOOKS_DATABASE:-mentoring_webhooks}"

export INTAKE_PORT="${INTAKE_PORT:-8001}"
export MATCHING_PORT="${MATCHING_PORT:-8002}"
export SESSIONS_PORT="${SESSIONS_PORT:-8003}"
export INSIGHTS_PORT="${INSIGHTS_PORT:-8004}"
export WEBHOOKS_PORT="${WEBHOOKS_PORT:-8005}"

# --- only the local servers' scripts use these ----------------------------------------
# Keep equal to <kafka.version> in deploy/kafka/pom.xml and the apache/kafka tag in
# docker-compose.yml.
export KAFKA_VERSION="${KAFKA_VERSION:-4.4.0}"
export KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
# The JVM default (1/4 of RAM) is far more than one dev broker needs next to the tests.
export KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}"

# Message helpers for the deploy scripts; prefixed so they do not clash in a user's shell.
deploy_say() { printf '[deploy] %s\n' "$*"; }
deploy_die() { printf '[deploy] error: %s\n' "$*" >&2; exit 1; }
