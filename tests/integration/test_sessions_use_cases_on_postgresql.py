"""Sessions's use cases on PostgreSQL: the test bodies of tests/unit/sessions/test_sessions_use_cases.py
(in-memory there), collected again here with `app` on a fresh, migrated database."""

from collections.abc import Iterator

import pytest

from services.sessions.application import SessionsApplication
from tests.integration.fresh_store import fresh_store
from tests.unit.sessions.test_sessions_use_cases import *  # noqa: F403 (the same tests, on this module's `app`)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")  # one database for the module: every test makes its own ids
def app(server_settings) -> Iterator[SessionsApplication]:  # replaces the in-memory one imported above
    with fresh_store(server_settings, SessionsApplication) as store:
        yield store
