#!/usr/bin/env bash
# The project's virtualenv at .venv, reinstalled only when pyproject.toml changed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

VENV="$REPO_DIR/.venv"
STAMP="$VENV/.installed-from-pyproject"
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"

[ -n "$PYTHON" ] || die "python3.11 not found"
if [ ! -x "$VENV/bin/python" ]; then
  say "creating the virtualenv with $("$PYTHON" --version)"
  "$PYTHON" -m venv "$VENV"
fi
if [ ! -f "$STAMP" ] || [ "$REPO_DIR/pyproject.toml" -nt "$STAMP" ]; then
  say "installing Python packages"
  "$VENV/bin/pip" install -q --upgrade pip
  "$VENV/bin/pip" install -q -e "$REPO_DIR[test]"
  touch "$STAMP"
fi
