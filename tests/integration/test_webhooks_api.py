"""The webhooks API in-process on a fresh database: scoped to the token's
organization, validation as problem+json naming the field, the secret answered once
and sealed at rest, Idempotency-Key on registration, the endpoint's actions."""

import asyncio
import base64
from uuid import UUID, uuid4

import asyncpg
import pytest
from prometheus_client.parser import text_string_to_metric_families

from services.webhooks.main import build
from services.webhooks.secret_box import SecretBox
from tests.integration.conftest import service_client
from tests.support.api_client import token

pytestmark = pytest.mark.integration
HOOK = "http://127.0.0.1:9/hook"


@pytest.fixture(scope="module")
def api(server_settings):
    with service_client(server_settings, "webhooks", build) as (client, settings):
        yield client, settings


def bearer(settings, org: str, role: str = "partner") -> dict[str, str]:
    return {"authorization": f"Bearer {token(settings, org, role)}"}


def register(api, org: str, **body) -> dict:
    client, settings = api
    answer = client.post("/v1/webhooks", json={"url": HOOK, **body}, headers=bearer(settings, org))
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_registration_answers_the_secret_once_and_stores_it_sealed(api):
    client, settings = api
    created = register(api, "acme", types=["mentoring.sessions."], description="ops")
    assert created["secret"].startswith("whsec_") and created["enabled"] is True
    read = client.get(f"/v1/webhooks/{created['id']}", headers=bearer(settings, "acme")).json()
    assert "secret" not in read and read["types"] == ["mentoring.sessions."]
    listed = client.get("/v1/webhooks", headers=bearer(settings, "acme")).json()["items"]
    assert all("secret" not in item for item in listed)

    async def stored() -> bytes:
        connection = await asyncpg.connect(settings.postgres_dsn(settings.webhooks_database))
        try:
            return await connection.fetchval(
                "SELECT sealed_secret FROM endpoints WHERE id = $1", UUID(created["id"])
            )
        finally:
            await connection.close()

    raw = asyncio.run(stored())
    key = base64.b64decode(created["secret"].removeprefix("whsec_"))
    assert created["secret"].encode() not in raw and key not in raw
    assert (
        SecretBox(settings.cipher_key.get_secret_value()).open(UUID(created["id"]), raw)
        == created["secret"]
    )


def test_a_retried_registration_with_its_key_answers_the_same_endpoint_and_secret(api):
    client, settings = api
    headers = {**bearer(settings, "acme"), "idempotency-key": uuid4().hex}
    first = client.post("/v1/webhooks", json={"url": HOOK}, headers=headers)
    again = client.post("/v1/webhooks", json={"url": HOOK}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers.get("idempotent-replayed") == "true"
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["secret"] == first.json()["secret"]


def idempotency_counts(api) -> dict[str, float]:
    """Idempotency outcomes on /metrics counted under the webhooks service's name."""
    client, settings = api
    scraped = client.get("/metrics", headers=bearer(settings, "ops", "operator"))
    assert scraped.status_code == 200, scraped.text
    return {
        sample.labels["outcome"]: sample.value
        for family in text_string_to_metric_families(scraped.text)
        for sample in family.samples
        if sample.name == "idempotency_requests_total" and sample.labels.get("service") == "webhooks"
    }


def test_idempotency_outcomes_are_counted_under_the_webhooks_service(api):
    client, settings = api
    before = idempotency_counts(api)
    headers = {**bearer(settings, "acme"), "idempotency-key": uuid4().hex}
    assert client.post("/v1/webhooks", json={"url": HOOK}, headers=headers).status_code == 201
    assert client.post("/v1/webhooks", json={"url": HOOK}, headers=headers).headers["idempotent-replayed"] == "true"
    after = idempotency_counts(api)
    for outcome in ("first", "replayed"):
        assert after.get(outcome, 0) - before.get(outcome, 0) == 1, outcome


@pytest.mark.parametrize(
    "body, field",
    [
        ({"url": "http://hooks.acme.example/h"}, "body.url"),
        ({"url": "https://10.0.0.7/h"}, "body.url"),
        ({"url": HOOK, "types": ["com.other.Thing"]}, "body.types.0"),
        ({"url": HOOK, "types": ["mentoring.bad type"]}, "body.types.0"),
        ({"url": HOOK, "secret": "mine"}, "body.secret"),
        ({}, "body.url"),
    ],
)
def test_a_bad_registration_is_refused_naming_the_field(api, body, field):
    client, settings = api
    answer = client.post("/v1/webhooks", json=body, headers=bearer(settings, "acme"))
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert field in [error["field"] for error in answer.json()["errors"]]


def test_another_organizations_endpoint_is_not_found_and_operators_see_all(api):
    client, settings = api
    theirs = register(api, "globex")
    for method, path in (
        ("get", ""),
        ("post", "/disable"),
        ("post", "/rotate-secret"),
        ("get", "/deliveries"),
        ("delete", ""),
    ):
        answer = client.request(
            method.upper(), f"/v1/webhooks/{theirs['id']}{path}", headers=bearer(settings, "acme")
        )
        assert answer.status_code == 404, (method, path, answer.text)
    mine = client.get("/v1/webhooks", headers=bearer(settings, "acme")).json()["items"]
    assert theirs["id"] not in [item["id"] for item in mine]
    every = client.get(
        "/v1/webhooks", params={"limit": 200}, headers=bearer(settings, "ops", "operator")
    ).json()["items"]
    assert theirs["id"] in [item["id"] for item in every]
    assert {item["organization"] for item in every} >= {"acme", "globex"}


def test_tokens_without_the_right_role_or_none_are_refused(api):
    client, settings = api
    assert client.get("/v1/webhooks").status_code == 401
    assert (
        client.get("/v1/webhooks", headers=bearer(settings, "acme", "dashboard")).status_code == 403
    )
    refused = client.post(
        "/v1/webhooks", json={"url": HOOK}, headers=bearer(settings, "ops", "operator")
    )
    assert refused.status_code == 403  # an endpoint belongs to a partner organization


def test_disable_enable_rotate_and_delete(api):
    client, settings = api
    created = register(api, "acme")
    base, headers = f"/v1/webhooks/{created['id']}", bearer(settings, "acme")
    disabled = client.post(f"{base}/disable", headers=headers).json()
    assert disabled["enabled"] is False and disabled["disabled_reason"]
    enabled = client.post(f"{base}/enable", headers=headers).json()
    assert enabled["enabled"] is True and enabled["disabled_reason"] is None
    rotated = client.post(f"{base}/rotate-secret", headers=headers).json()["secret"]
    assert rotated.startswith("whsec_") and rotated != created["secret"]
    assert client.delete(base, headers=headers).status_code == 204
    assert client.get(base, headers=headers).status_code == 404


def test_lists_page_with_a_cursor(api):
    client, settings = api
    org = f"paged-{uuid4().hex[:6]}"
    ids = [register(api, org)["id"] for _ in range(3)]
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/v1/webhooks", params=params, headers=bearer(settings, org)).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(ids)
