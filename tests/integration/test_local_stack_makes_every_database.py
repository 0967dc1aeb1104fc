"""deploy/postgres.sh start makes every service's database (tests start it when no server
is given): it made only the first three, so `deploy/stack.sh up` on a fresh machine
stopped at insights' migrations."""

import subprocess
from pathlib import Path

import psycopg
import pytest

from shared.migrate import SERVICES

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]


def test_starting_the_local_postgres_makes_a_database_for_every_service(server_settings):
    started = subprocess.run(["bash", "deploy/postgres.sh", "start"], cwd=REPO, capture_output=True, text=True)
    assert started.returncode == 0, started.stderr
    with psycopg.connect(server_settings.postgres_dsn("postgres"), autocommit=True) as admin:
        existing = {row[0] for row in admin.execute("SELECT datname FROM pg_database").fetchall()}
    assert {server_settings.database_for(service) for service in SERVICES} <= existing
