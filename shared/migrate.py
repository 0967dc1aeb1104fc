"""Applies a service's migrations to its database: `python -m shared.migrate intake [...]`.

Run at deploy, before the service starts (deploy/stack.sh, docker-compose's `migrate`,
the tests' start-up paths). yoyo-migrations keeps what it applied in the database and
takes a lock there, so running it again, or from two replicas at once, applies each
migration once. Which folders a service reads: shared/schema_version.py.
"""

import argparse
import logging
import sys
from urllib.parse import quote

from yoyo import get_backend, read_migrations

from shared.schema_version import migration_folders
from shared.settings import Settings

SERVICES = ("intake", "matching", "sessions", "insights", "webhooks")
LOCK_TIMEOUT_SECONDS = 60

log = logging.getLogger(__name__)


def yoyo_uri(settings: Settings, service: str) -> str:
    # psycopg 3, the driver the event store already uses; quoted so any password works.
    user, password = (
        quote(settings.postgres_user, safe=""),
        quote(settings.postgres_password.get_secret_value(), safe=""),
    )
    return (
        f"postgresql+psycopg://{user}:{password}@{settings.postgres_host}:{settings.postgres_port}"
        f"/{settings.database_for(service)}"
    )


def migrate(settings: Settings, service: str) -> list[str]:
    """Applies what the service's database has not had yet; returns those migrations' ids."""
    backend = get_backend(yoyo_uri(settings, service))
    try:
        migrations = read_migrations(*(str(folder) for folder in migration_folders(service)))
        with backend.lock(timeout=LOCK_TIMEOUT_SECONDS):
            pending = backend.to_apply(migrations)
            backend.apply_migrations(pending)
        return [migration.id for migration in pending]
    finally:
        backend.connection.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m shared.migrate", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "services",
        nargs="+",
        choices=SERVICES,
        metavar="service",
        help=f"one or more of {', '.join(SERVICES)}",
    )
    arguments = parser.parse_args(argv)
    settings = Settings()
    for service in arguments.services:
        applied = migrate(settings, service)
        database = settings.database_for(service)
        print(
            f"{service} ({database}): "
            + (f"applied {', '.join(applied)}" if applied else "up to date")
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
