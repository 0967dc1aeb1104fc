#!/usr/bin/env bash
# Re-locks every dependency set after a change to pyproject.toml's pins, with hashes:
#   requirements/services.lock  intake, sessions, insights, webhooks (no solver)
#   requirements/matching.lock  the matching service (with numpy and ortools)
#   requirements/dev.lock       everything, with the test tools: deploy/venv.sh and CI install it
#   requirements/client-generator.lock  openapi-python-client, in its own virtualenv (tests)
# uv resolves (fast, maintained, one binary wheel); pip installs, with --require-hashes.
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION=0.13.9
if ! .venv/bin/uv --version 2>/dev/null | grep -q "$UV_VERSION"; then
  .venv/bin/python -m pip install -q "uv==$UV_VERSION"
fi
compile() {
  local out=$1; shift
  .venv/bin/uv pip compile pyproject.toml --quiet --generate-hashes --python-version 3.11 \
    --python-platform x86_64-manylinux_2_28 --custom-compile-command scripts/lock.sh "$@" -o "$out"
}
compile requirements/services.lock
compile requirements/matching.lock --extra matching
compile requirements/dev.lock --extra matching --extra test
.venv/bin/uv pip compile requirements/client-generator.in --quiet --generate-hashes --python-version 3.11 \
  --python-platform x86_64-manylinux_2_28 --custom-compile-command scripts/lock.sh -o requirements/client-generator.lock
echo "locked: requirements/{services,matching,dev,client-generator}.lock"
