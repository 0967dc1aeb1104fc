"""Versioned migrations (shared/migrate.py): a fresh database is migrated and the service
starts on it; migrating again changes nothing; a database made by the release before
migrations adopts them, keeps its rows and gets the newer ones; a service refuses to
start on a database that lacks a migration, and says which and how to apply it."""

from pathlib import Path
from uuid import uuid4

import psycopg
import pytest
from fastapi.testclient import TestClient
from yoyo import get_backend, read_migrations

from services.insights.main import build as build_insights
from services.intake.main import build as build_intake
from shared.migrate import migrate, yoyo_uri
from shared.schema_version import SchemaNotMigrated, migration_folders, migration_ids
from tests.support.servers import create_database_sync, drop_database_sync

pytestmark = pytest.mark.integration
PREVIOUS_RELEASE = (Path(__file__).parent / "schema_made_by_the_previous_release.sql").read_text()
# Everything the catalog says about the public schema's tables, columns and indexes.
SCHEMA = """SELECT 'column', table_name, column_name || ' ' || data_type || ' ' || is_nullable
            FROM information_schema.columns WHERE table_schema = 'public'
            UNION ALL
            SELECT 'index', tablename, indexdef FROM pg_indexes WHERE schemaname = 'public'
            ORDER BY 1, 2, 3"""


@pytest.fixture
def database(server_settings):
    name = f"migrate_{uuid4().hex[:10]}"
    create_database_sync(server_settings, name)
    try:
        yield name
    finally:
        drop_database_sync(server_settings, name)


def scoped(settings, service, database):
    return settings.model_copy(
        update={f"{service}_database": database, "topic_namespace": f"migrate{uuid4().hex[:8]}"}
    )


def query(settings, database, sql, *args):
    with psycopg.connect(settings.postgres_dsn(database)) as connection:
        return connection.execute(sql, args or None).fetchall()


def previous_release_section(name: str) -> str:
    return PREVIOUS_RELEASE.split(f"-- section: {name}\n")[1].split("-- section:")[0]


def test_a_fresh_database_is_migrated_and_the_service_starts_on_it(server_settings, database):
    settings = scoped(server_settings, "intake", database)
    assert migrate(settings, "intake") == ["0001_shared_tables", "0002_idempotency_keys_by_age"]
    with TestClient(build_intake(settings)) as client:
        assert client.get("/readyz").json()["checks"]["database"] == "ok"


def test_migrating_twice_applies_nothing_the_second_time(server_settings, database):
    settings = scoped(server_settings, "insights", database)
    assert migrate(settings, "insights") == migration_ids("insights")
    schema = query(server_settings, database, SCHEMA)
    assert migrate(settings, "insights") == []
    assert query(server_settings, database, SCHEMA) == schema
    applied = query(
        server_settings, database, "SELECT migration_id FROM _yoyo_migration ORDER BY 1"
    )
    assert sorted(row[0] for row in applied) == sorted(migration_ids("insights"))


@pytest.mark.parametrize("service", ["intake", "insights"])
def test_a_database_made_by_the_previous_release_adopts_the_migrations_and_keeps_its_rows(
    server_settings, database, service
):
    sections = ["shared", "insights"] if service == "insights" else ["shared"]
    with psycopg.connect(server_settings.postgres_dsn(database)) as connection:
        for section in sections:
            connection.execute(previous_release_section(section))
        connection.execute(
            "INSERT INTO idempotency_keys (scope, key, fingerprint) VALUES ('acme/a', 'k', 'f')"
        )
        connection.execute(
            "INSERT INTO log_position (follower, notification_id) VALUES ('relay:x', 42)"
        )
    assert "idempotency_keys_by_age" not in str(query(server_settings, database, SCHEMA))

    applied = migrate(scoped(server_settings, service, database), service)

    assert applied == migration_ids(service), "the first migrations adopt the existing tables"
    assert "idempotency_keys_by_age" in str(query(server_settings, database, SCHEMA)), (
        "the newer one ran"
    )
    assert query(server_settings, database, "SELECT scope, key FROM idempotency_keys") == [
        ("acme/a", "k")
    ]
    assert query(server_settings, database, "SELECT notification_id FROM log_position") == [(42,)]


def apply_only(settings, service, ids):
    """Applies some of the service's migrations, as a database of an older release had."""
    backend = get_backend(yoyo_uri(settings, service))
    try:
        migrations = read_migrations(*(str(folder) for folder in migration_folders(service)))
        with backend.lock():
            backend.apply_migrations(backend.to_apply(migrations.filter(lambda m: m.id in ids)))
    finally:
        backend.connection.close()


def test_a_service_refuses_to_start_on_a_database_never_migrated(server_settings, database):
    settings = scoped(server_settings, "intake", database)
    with pytest.raises(SchemaNotMigrated) as refused, TestClient(build_intake(settings)):
        pass
    message = str(refused.value)
    assert (
        f"database {database} of intake lacks migrations "
        "0001_shared_tables, 0002_idempotency_keys_by_age"
        in message
    )
    assert "python -m shared.migrate intake" in message
    assert query(server_settings, database, "SELECT to_regclass('documents')") == [(None,)], (
        "it created nothing"
    )


def test_a_service_refuses_a_database_that_lacks_only_the_newest_migration(
    server_settings, database
):
    settings = scoped(server_settings, "insights", database)
    apply_only(settings, "insights", {"0001_shared_tables", "0001_insights_tables"})
    from services.insights.health import HealthBook

    with (
        pytest.raises(SchemaNotMigrated, match="lacks migrations 0002_idempotency_keys_by_age:"),
        TestClient(build_insights(settings, HealthBook)),
    ):
        pass
    migrate(settings, "insights")
    with TestClient(build_insights(settings, HealthBook)) as client:
        assert client.get("/readyz").json()["checks"]["database"] == "ok"
