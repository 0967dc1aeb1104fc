"""Read models are disposable: dropped, they are rebuilt from the event log alone."""

from uuid import uuid4

import asyncpg
import pytest

from services.intake.main import build
from tests.integration.conftest import service_client
from tests.support.api_client import eventually, profile, token
from tests.support.servers import create_database_sync, drop_database_sync

pytestmark = pytest.mark.integration


async def documents(settings, database: str) -> list:  # noqa: ANN001
    connection = await asyncpg.connect(settings.postgres_dsn(database))
    try:
        return [tuple(row) for row in await connection.fetch(
            "SELECT kind, id, tenant, status, tags, version, body FROM documents ORDER BY kind, id")]
    finally:
        await connection.close()


def caught_up(client) -> bool:  # noqa: ANN001
    runtime = client.app.state.runtime
    return runtime.projector.done_up_to == runtime.app.recorder.max_notification_id()


async def test_dropping_the_read_model_and_replaying_the_log_gives_the_same_documents(server_settings):
    database, namespace = f"rebuild_{uuid4().hex[:10]}", f"rebuild{uuid4().hex[:8]}"
    create_database_sync(server_settings, database)
    try:
        with service_client(server_settings, "intake", build, database, namespace) as (client, settings):
            operator = {"authorization": f"Bearer {token(settings, 'ops', 'operator')}"}
            partner = {"authorization": f"Bearer {token(settings, 'acme', 'partner')}"}
            program = client.post("/v1/programs", headers=operator, json={
                "name": "P", "formats": ["one_to_one"], "organizations": ["acme"]}).json()
            for n in range(3):
                person = client.post("/v1/participants", headers=partner, json={
                    "program_id": program["id"], "name": f"N{n}", "contact_email": "n@example.com",
                    "consent_given": True, "profile": profile("mentee", [], [f"topic{n}"], n, "acme")}).json()
                client.post(f"/v1/participants/{person['id']}/pause", headers=partner)
            eventually(lambda: caught_up(client), what="the projector to catch up")
        before = await documents(settings, database)
        assert len(before) == 4

        connection = await asyncpg.connect(settings.postgres_dsn(database))
        await connection.execute("TRUNCATE documents")
        await connection.execute("DELETE FROM log_position WHERE follower = 'projector:documents'")
        await connection.close()
        assert await documents(settings, database) == []

        with service_client(server_settings, "intake", build, database, namespace) as (client, _):
            eventually(lambda: caught_up(client), what="the replay")
        assert await documents(settings, database) == before
    finally:
        drop_database_sync(server_settings, database)
