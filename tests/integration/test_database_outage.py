"""PostgreSQL going away mid-traffic: 503 problem+json with Retry-After, nothing half
written, and the service recovers alone when the database is back."""

import pytest

from services.intake.main import build as build_intake
from tests.integration.conftest import service_client
from tests.support.api_client import eventually, token
from tests.support.tcp_proxy import TcpProxy

pytestmark = pytest.mark.integration
PROGRAM = {"formats": ["one_to_one"], "organizations": ["acme"]}


def test_with_the_database_away_writes_answer_503_and_the_retry_after_it_is_back_applies_once(server_settings):
    proxy = TcpProxy(server_settings.postgres_host, server_settings.postgres_port)
    proxied = server_settings.model_copy(update={"postgres_host": "127.0.0.1", "postgres_port": proxy.port})
    try:
        with service_client(proxied, "intake", build_intake) as (client, settings):
            operator = {"authorization": f"Bearer {token(settings, 'ops', 'operator')}"}
            assert client.post("/v1/programs", headers=operator, json={**PROGRAM, "name": "Before"}).status_code == 201

            proxy.cut()
            retry = {**operator, "idempotency-key": "outage-1"}
            refused = client.post("/v1/programs", headers=retry, json={**PROGRAM, "name": "During"})
            assert refused.status_code == 503, refused.text
            assert refused.headers["content-type"].startswith("application/problem+json")
            assert int(refused.headers["retry-after"]) > 0
            assert client.get("/v1/programs", headers=operator).status_code == 503
            assert client.get("/readyz").status_code == 503

            proxy.restore()
            eventually(lambda: client.get("/readyz").status_code == 200, what="recovery without a restart")
            created = eventually(lambda: (lambda r: r if r.status_code == 201 else None)(
                client.post("/v1/programs", headers=retry, json={**PROGRAM, "name": "During"})),
                what="the retried write")
            again = client.post("/v1/programs", headers=retry, json={**PROGRAM, "name": "During"})
            assert again.json()["id"] == created.json()["id"]

            def names() -> list[str] | None:
                items = client.get("/v1/programs", headers=operator).json()["items"]
                return sorted(p["name"] for p in items) if len(items) == 2 else None
            assert eventually(names, what="both programs in the read model") == ["Before", "During"]
    finally:
        proxy.close()
