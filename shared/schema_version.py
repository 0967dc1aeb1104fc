"""Which migrations a service's database needs, and the start-up check that they ran.

Migrations are applied at deploy by `python -m shared.migrate <service>` (shared/migrate.py),
never by a service starting: a service only reads which ones its database has had and
refuses to start when one it knows of is missing. A database ahead of the code (migrated
for the next release, which is how a rolling deploy begins) is fine: migrations only add.

Folders: `migrations/shared/` (the shared mechanisms' tables, in every service's database)
then `migrations/<service>/` when the service has tables of its own. A migration's id is
its file name without `.sql`; ids must be unique across the folders a database reads.
"""

from pathlib import Path

import asyncpg

MIGRATIONS_DIR = Path(__file__).resolve().parents[1] / "migrations"
SHARED = "shared"
# yoyo-migrations' own record of what it applied (one row per migration id).
APPLIED_TABLE = "_yoyo_migration"


class SchemaNotMigrated(RuntimeError):
    """The service's database lacks migrations this code needs: run them first."""


def migration_folders(service: str, root: Path = MIGRATIONS_DIR) -> list[Path]:
    own = root / service
    return [root / SHARED, *([own] if own.is_dir() else [])]


def migration_ids(service: str, root: Path = MIGRATIONS_DIR) -> list[str]:
    ids = [
        path.stem
        for folder in migration_folders(service, root)
        for path in sorted(folder.glob("*.sql"))
        if not path.name.endswith(".rollback.sql")
    ]
    if len(ids) != len(set(ids)):
        raise ValueError(f"two migrations of {service} share an id: {sorted(ids)}")
    return ids


async def missing_migrations(
    pool: asyncpg.Pool, service: str, root: Path = MIGRATIONS_DIR
) -> list[str]:
    # Read-only on purpose: asking yoyo would create its tables in an unmigrated database.
    applied: set[str] = set()
    if await pool.fetchval("SELECT to_regclass($1) IS NOT NULL", APPLIED_TABLE):
        applied = {row[0] for row in await pool.fetch(f"SELECT migration_id FROM {APPLIED_TABLE}")}
    return [migration for migration in migration_ids(service, root) if migration not in applied]


async def require_migrated(pool: asyncpg.Pool, service: str, database: str) -> None:
    missing = await missing_migrations(pool, service)
    if missing:
        raise SchemaNotMigrated(
            f"database {database} of {service} lacks migrations {', '.join(missing)}: run "
            f"`python -m shared.migrate {service}` before starting the service "
            "(deploy/stack.sh and docker compose do)"
        )
