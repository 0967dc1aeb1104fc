#!/usr/bin/env bash
# Chromium for the dashboard's browser test (tests/e2e/test_insights_dashboard_browser.py),
# from Debian's `chromium` package: Playwright drives it through executable_path, so no
# browser is ever downloaded by Playwright itself. Harmless when already installed.
set -euo pipefail
# shellcheck source=deploy/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

if command -v chromium >/dev/null; then
  deploy_say "chromium present ($(chromium --version 2>/dev/null || echo unknown version))"
  exit 0
fi
[ "$(id -u)" = 0 ] || deploy_die "chromium is not installed and installing it needs root: apt-get install chromium"
command -v apt-get >/dev/null || deploy_die "chromium is not installed and apt-get is not available to install it"
deploy_say "chromium not found; installing it from Debian's packages (apt-get install chromium)"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
command -v chromium >/dev/null || deploy_die "installed chromium but it is not on PATH"
deploy_say "chromium installed ($(chromium --version 2>/dev/null || echo unknown version))"
