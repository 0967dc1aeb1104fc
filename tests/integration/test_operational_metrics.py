"""/metrics carries what an operator watches: idempotency outcomes, timer runs, the
database pool, the event store's executor and parked records (intake in-process, real
PostgreSQL and Kafka)."""

import re
from uuid import uuid4

import pytest

from services.intake.main import build
from tests.integration.conftest import service_client
from tests.support.api_client import eventually, token

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def api(server_settings):
    with service_client(server_settings, "intake", build) as (client, settings):
        yield client, settings


def scrape(client, settings) -> str:
    answer = client.get("/metrics", headers={"authorization": f"Bearer {token(settings, 'ops', 'operator')}"})
    assert answer.status_code == 200
    return answer.text


def value(text: str, name: str, **labels: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + "{") and all(f'{key}="{want}"' in line for key, want in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_idempotency_outcomes_are_counted(api):
    client, settings = api
    before = scrape(client, settings)
    operator = {"authorization": f"Bearer {token(settings, 'ops', 'operator')}", "idempotency-key": uuid4().hex}
    body = {"name": "Counted", "formats": ["one_to_one"], "organizations": ["acme"]}
    assert client.post("/v1/programs", headers=operator, json=body).status_code == 201
    assert client.post("/v1/programs", headers=operator, json=body).headers["idempotent-replayed"] == "true"
    assert client.post("/v1/programs", headers=operator, json={**body, "name": "Other"}).status_code == 422
    after = scrape(client, settings)
    for outcome in ("first", "replayed", "reused"):
        grew = value(after, "idempotency_requests_total", service="intake", outcome=outcome) - \
            value(before, "idempotency_requests_total", service="intake", outcome=outcome)
        assert grew == 1, outcome


def test_the_pool_the_executor_and_parked_records_are_sampled_when_scraped(api):
    client, settings = api
    text = scrape(client, settings)
    assert value(text, "db_pool_connections", service="intake", state="size") >= 1
    assert re.search(r'^db_pool_connections\{service="intake",state="in_use"\} \d', text, re.M)
    assert re.search(r'^executor_queued_work\{service="intake"\} \d', text, re.M)
    assert re.search(r'^parked_records_waiting\{service="intake"\} 0', text, re.M)


def test_timer_runs_are_counted(api):
    client, settings = api
    # intake's only timer forgets old idempotency keys; it runs once at start.
    eventually(lambda: value(scrape(client, settings), "timer_runs_total", service="intake",
                             timer="idempotency-keys", outcome="ok") >= 1, what="the first timer run")
