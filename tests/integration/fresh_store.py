"""A service's Application on a fresh, migrated database of its own (dropped afterwards)."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar
from uuid import uuid4

from shared.eventstore import ServiceApplication
from shared.settings import Settings
from tests.support.servers import create_database_sync, drop_database_sync, migrate_database_sync

A = TypeVar("A", bound=ServiceApplication)


@contextmanager
def fresh_store(settings: Settings, application: type[A]) -> Iterator[A]:
    service = application.service
    database = f"store_{service}_{uuid4().hex[:10]}"
    create_database_sync(settings, database)
    try:
        migrate_database_sync(settings, service, database)
        store = application(settings.model_copy(update={f"{service}_database": database}))
        try:
            yield store
        finally:
            store.close()
    finally:
        drop_database_sync(settings, database)
