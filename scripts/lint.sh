#!/usr/bin/env bash
# The codebase held to its own style: ruff, then mypy (both configured in pyproject.toml).
# CI runs it before the tests (.ci/run); run it before you commit.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/venv.sh >/dev/null
.venv/bin/ruff check .
.venv/bin/mypy
