#!/usr/bin/env bash
# The whole test suite from nothing: virtualenv, PostgreSQL, Kafka, Chromium (for the
# dashboard's browser test), then pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/venv.sh
bash deploy/postgres.sh start
bash deploy/kafka.sh start
bash deploy/chromium.sh
source deploy/env.sh
exec .venv/bin/pytest -q -p no:cacheprovider "$@"
