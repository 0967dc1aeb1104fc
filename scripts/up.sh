#!/usr/bin/env bash
# The whole stack from nothing: virtualenv, PostgreSQL, Kafka and the three services.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/venv.sh
exec bash deploy/stack.sh up
