#!/usr/bin/env bash
# The schemathesis run of the suite (tests/faults/test_schemathesis.py: every check, server
# errors and conformance to docs/openapi/) at a larger size: SCALE times the cases, 20 by
# default (about 35,000 requests over the three services).
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/env.sh
SCHEMATHESIS_SCALE="${1:-20}" exec .venv/bin/pytest -q -p no:cacheprovider -s tests/faults/test_schemathesis.py
