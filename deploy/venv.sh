#!/usr/bin/env bash
# The project's virtualenv at <repo>/.venv: created once with Python 3.11+, then the locked
# dependency set requirements/dev.lock (every version and hash fixed by scripts/lock.sh) and
# the project itself, re-run only when the lock or pyproject.toml is newer than the stamp left
# by the last successful install, so the second call costs nothing.
set -euo pipefail
# shellcheck source=deploy/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

VENV="$REPO_DIR/.venv"
STAMP="$VENV/.installed-from-lock"
LOCK="$REPO_DIR/requirements/dev.lock"

find_python() {
  local candidate
  for candidate in "${PYTHON:-}" python3.11 python3; do
    if [ -z "$candidate" ] || ! command -v "$candidate" >/dev/null; then continue; fi
    # pyproject.toml says requires-python >= 3.11.
    "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { command -v "$candidate"; return; }
  done
  deploy_die "no Python 3.11+ found: apt-get install python3.11 python3.11-venv"
}

if [ ! -x "$VENV/bin/python" ]; then
  python=$(find_python)
  deploy_say "creating $VENV with $("$python" --version)"
  # Debian splits venv/ensurepip into its own package; say so instead of a traceback.
  "$python" -m venv "$VENV" ||
    { rm -rf "$VENV"; deploy_die "could not create the virtualenv: apt-get install python3.11-venv (or python3-venv)"; }
fi

# The stamp holds a digest of what was installed from: touching the files (a re-lock that
# changed nothing, a fresh clone) does not reinstall, a changed pin does.
WANTED=$(cat "$REPO_DIR/pyproject.toml" "$LOCK" | sha256sum | cut -d' ' -f1)
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANTED" ]; then
  deploy_say "installing the locked dependencies ($LOCK) and the project into $VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q --require-hashes -r "$LOCK"
  "$VENV/bin/python" -m pip install -q --no-deps -e "$REPO_DIR"
  # Only after a successful install: a failed one is retried on the next call.
  echo "$WANTED" > "$STAMP"
else
  deploy_say "virtualenv up to date ($VENV)"
fi
