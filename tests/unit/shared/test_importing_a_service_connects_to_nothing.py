"""Importing a service module builds nothing and connects to nothing: the app comes
from a factory (`uvicorn --factory services.<name>.main:create_app`)."""

import os
import subprocess
import sys

import pytest

from tests.support.processes import REPO


@pytest.mark.parametrize("service", ["intake", "matching", "sessions", "webhooks"])
def test_a_service_module_imports_with_the_database_unreachable(service):
    # Port 1 on loopback refuses at once; with an app built at import this raised or hung.
    env = {**os.environ, "POSTGRES_PORT": "1", "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1"}
    imported = subprocess.run([sys.executable, "-c", f"import services.{service}.main as m; print(m.create_app)"],
                              cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert imported.returncode == 0, imported.stderr[-2000:]
    assert "create_app" in imported.stdout
