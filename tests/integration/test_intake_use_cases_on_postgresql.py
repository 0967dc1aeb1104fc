"""Intake's use cases on PostgreSQL: the test bodies of tests/unit/intake/test_intake_use_cases.py
(in-memory there), collected again here with `app` on a fresh, migrated database."""

from collections.abc import Iterator
from uuid import uuid4

import pytest

from services.intake.application import IntakeApplication
from tests.support.servers import create_database_sync, drop_database_sync, migrate_database_sync
from tests.unit.intake.test_intake_use_cases import *  # noqa: F403 (the same tests, on this module's `app`)

pytestmark = pytest.mark.integration


@pytest.fixture
def app(server_settings) -> Iterator[IntakeApplication]:  # replaces the in-memory one imported above
    database = f"use_cases_{uuid4().hex[:10]}"
    create_database_sync(server_settings, database)
    try:
        migrate_database_sync(server_settings, "intake", database)
        store = IntakeApplication(server_settings.model_copy(update={"intake_database": database}))
        yield store
        store.close()
    finally:
        drop_database_sync(server_settings, database)
