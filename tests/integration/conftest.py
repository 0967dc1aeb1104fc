"""A service app in-process (FastAPI TestClient runs its lifespan) on a fresh database."""

from collections.abc import Iterator
from contextlib import contextmanager
from uuid import uuid4

from fastapi.testclient import TestClient

from shared.settings import Settings
from tests.support.servers import create_database_sync, drop_database_sync, migrate_database_sync


@contextmanager
def service_client(settings: Settings, service: str, build, database: str | None = None,  # noqa: ANN001
                   namespace: str | None = None) -> Iterator[tuple[TestClient, Settings]]:
    """With `database`, runs on that existing database and leaves it for the caller. Either
    way the service's migrations are applied first, as a deploy does before starting it."""
    owned = database is None
    database = database or f"api_{service}_{uuid4().hex[:10]}"
    if owned:
        create_database_sync(settings, database)
    scoped = settings.model_copy(update={f"{service}_database": database,
                                         "topic_namespace": namespace or f"api{uuid4().hex[:8]}"})
    try:
        migrate_database_sync(settings, service, database)
        with TestClient(build(scoped)) as client:
            yield client, scoped
    finally:
        if owned:
            drop_database_sync(settings, database)
