# Sourced by the deploy scripts and the test command: the one set of variable names
# the services, the tests and docker-compose.yml all use. Values already set win.
DEPLOY_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export REPO_DIR="${REPO_DIR:-$(dirname "$DEPLOY_DIR")}"
export DATA_DIR="${DATA_DIR:-$REPO_DIR/.data}"
export CACHE_DIR="${CACHE_DIR:-$REPO_DIR/.cache}"

export KAFKA_VERSION="${KAFKA_VERSION:-4.1.1}"
export KAFKA_PORT="${KAFKA_PORT:-9092}"
export KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
export KAFKA_BOOTSTRAP_SERVERS="${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:$KAFKA_PORT}"

export POSTGRES_HOST="${POSTGRES_HOST:-127.0.0.1}"
export POSTGRES_PORT="${POSTGRES_PORT:-55432}"
export POSTGRES_USER="${POSTGRES_USER:-mentoring}"
export POSTGRES_PASSWORD="${POSTGRES_PASSWORD:-mentoring}"
export INTAKE_DATABASE="${INTAKE_DATABASE:-mentoring_intake}"
export MATCHING_DATABASE="${MATCHING_DATABASE:-mentoring_matching}"
export SESSIONS_DATABASE="${SESSIONS_DATABASE:-mentoring_sessions}"

export INTAKE_PORT="${INTAKE_PORT:-8001}"
export MATCHING_PORT="${MATCHING_PORT:-8002}"
export SESSIONS_PORT="${SESSIONS_PORT:-8003}"

say() { printf '[deploy] %s\n' "$*"; }
die() { printf '[deploy] error: %s\n' "$*" >&2; exit 1; }
