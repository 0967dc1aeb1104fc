"""Idempotency-Key on writes, against real PostgreSQL: abandoned claims are taken over
after their lease, the key is bound to the whole request (query and If-Match too),
only answers that changed something are replayed, keys belong to one principal, and
a malformed key is refused."""

from datetime import UTC, datetime
from uuid import uuid4

import asyncio

import asyncpg
import pytest

from shared.http.auth import issue_token
from shared.http.idempotency_claims import Claims
from services.intake.main import build as build_intake
from services.sessions.domain.relationship import Relationship
from services.sessions.main import build as build_sessions
from tests.integration.conftest import service_client
from tests.support.api_client import eventually, profile, token

pytestmark = pytest.mark.integration
PROBLEM = "application/problem+json"
LEASE_SECONDS = 2  # short, so a test sees an abandoned claim expire without waiting long


@pytest.fixture(scope="module")
def intake(server_settings):
    short_lease = server_settings.model_copy(update={"idempotency_lease_seconds": LEASE_SECONDS})
    with service_client(short_lease, "intake", build_intake) as (client, settings):
        operator = bearer(token(settings, "ops", "operator"))
        program = client.post("/v1/programs", headers=operator, json={
            "name": "Keys", "formats": ["one_to_one"], "organizations": ["acme"]}).json()
        yield {"client": client, "settings": settings, "program": program["id"]}


@pytest.fixture(scope="module")
def sessions(server_settings):
    with service_client(server_settings, "sessions", build_sessions) as (client, settings):
        yield client, settings


def bearer(jwt: str) -> dict:
    return {"authorization": f"Bearer {jwt}"}


def partner(intake, subject: str = "partner-acme") -> dict:
    return bearer(issue_token(intake["settings"], subject, "acme", ["partner"]))


def projector_caught_up(client) -> bool:  # noqa: ANN001
    runtime = client.app.state.runtime
    return runtime.projector.done_up_to >= (runtime.app.recorder.max_notification_id() or 0)


def enrolment(intake, name: str = "N") -> dict:
    return {"program_id": intake["program"], "name": name, "contact_email": "n@example.com",
            "consent_given": True, "profile": profile("mentee", [("sql", "expert")], ["leadership"], 5, "acme")}


def enrol(intake, headers: dict, key: str | None = None, name: str = "N"):
    return intake["client"].post("/v1/participants", headers={**headers, "idempotency-key": key or uuid4().hex},
                                 json=enrolment(intake, name))


async def in_database(settings, query: str, *args):
    connection = await asyncpg.connect(settings.postgres_dsn(settings.intake_database))
    try:
        return await connection.fetchrow(query, *args)
    finally:
        await connection.close()


# 1. A request killed mid-flight leaves its claim behind; after the lease a retry takes it over.

async def test_a_retry_takes_over_a_claim_abandoned_by_a_killed_request(intake):
    client, settings, headers = intake["client"], intake["settings"], partner(intake)
    # The same request under another key tells us the scope and fingerprint the middleware writes.
    probe = f"probe-{uuid4()}"
    assert enrol(intake, headers, probe).status_code == 201
    written = await in_database(settings, "SELECT scope, fingerprint FROM idempotency_keys WHERE key = $1", probe)
    # What a request killed between its claim and its answer leaves: a claim with no answer.
    key = f"killed-{uuid4()}"
    await in_database(settings, "INSERT INTO idempotency_keys (scope, key, fingerprint) VALUES ($1, $2, $3)",
                      written["scope"], key, written["fingerprint"])

    first = enrol(intake, headers, key)
    assert first.status_code == 409 and first.json()["type"].endswith("/request-in-progress")
    retried = eventually(lambda: (r := enrol(intake, headers, key)).status_code != 409 and r,
                         timeout=LEASE_SECONDS + 10, what="the abandoned claim to be taken over")
    assert retried.status_code == 201, retried.text
    replay = enrol(intake, headers, key)
    assert replay.json()["id"] == retried.json()["id"] and replay.headers["idempotent-replayed"] == "true"
    assert client.get(f"/v1/participants/{retried.json()['id']}", headers=headers).status_code == 200


async def test_a_live_claim_within_its_lease_still_answers_409(intake):
    settings, headers = intake["settings"], partner(intake)
    probe = f"probe-{uuid4()}"
    assert enrol(intake, headers, probe).status_code == 201
    written = await in_database(settings, "SELECT scope, fingerprint FROM idempotency_keys WHERE key = $1", probe)
    key = f"running-{uuid4()}"
    await in_database(settings, "INSERT INTO idempotency_keys (scope, key, fingerprint, claimed_at) "
                                "VALUES ($1, $2, $3, now() + interval '1 hour')",
                      written["scope"], key, written["fingerprint"])
    racing = enrol(intake, headers, key)
    assert racing.status_code == 409 and racing.json()["type"].endswith("/request-in-progress")


async def test_of_many_retries_racing_for_an_abandoned_claim_exactly_one_takes_it(intake):
    settings, key = intake["settings"], f"raced-{uuid4()}"
    pool = await asyncpg.create_pool(settings.postgres_dsn(settings.intake_database), min_size=5, max_size=5)
    try:
        await pool.execute("INSERT INTO idempotency_keys (scope, key, fingerprint, claimed_at) "
                           "VALUES ('acme/racer', $1, 'f', now() - interval '1 hour')", key)
        claims = Claims(pool, LEASE_SECONDS)
        taken = await asyncio.gather(*(claims.take_over("acme/racer", key, "f", uuid4()) for _ in range(5)))
    finally:
        await pool.close()
    assert sorted(taken) == [False] * 4 + [True]


# 2. The fingerprint covers the query string and If-Match, not only method, path and body.

def active_relationship(client, settings) -> tuple[str, str, str]:  # noqa: ANN001
    mentee, mentor, now = uuid4(), uuid4(), datetime.now(UTC)
    relationship = Relationship(
        id=uuid4(), program_id=uuid4(), organization_id="acme", format="one_to_one",
        parties=[{"participant_id": str(mentee), "role": "mentee", "organization_id": "acme"},
                 {"participant_id": str(mentor), "role": "mentor", "organization_id": "globex"}],
        goals=[{"topic": "speaking", "outcome": "keynote"}], cadence_days=7, length_weeks=12,
        ground_rules={"cancellation_notice_hours": 24}, started_at=now)
    version = relationship.propose_agreement(mentee, {"end_date": "2027-01-01"}, now)
    for person in (mentee, mentor):
        relationship.sign_agreement(person, version, now)
        relationship.acknowledge_ground_rules(person, now)
    client.app.state.runtime.app.save(relationship)
    return f"/v1/relationships/{relationship.id}", str(mentee), str(mentor)


def test_the_same_key_acting_for_another_person_is_refused_not_replayed(sessions):
    client, settings = sessions
    base, mentee, mentor = active_relationship(client, settings)
    operator = {**bearer(token(settings, "ops", "operator")), "idempotency-key": f"check-in-{uuid4()}"}
    rating = {"fit": 4, "progress": 3}
    first = client.post(f"{base}/check-ins", params={"acting_for": mentee}, headers=operator, json=rating)
    assert first.status_code == 200, first.text
    second = client.post(f"{base}/check-ins", params={"acting_for": mentor}, headers=operator, json=rating)
    assert second.status_code == 422 and second.headers["content-type"] == PROBLEM
    assert second.json()["type"].endswith("/idempotency-key-reused")
    assert [c["by"] for c in client.get(base, headers=operator).json()["check_ins"]] == [mentee]


def test_the_same_key_with_another_if_match_is_refused_not_replayed(intake):
    client, headers = intake["client"], partner(intake)
    person = enrol(intake, headers).json()
    path, key = f"/v1/participants/{person['id']}/profile", f"profile-{uuid4()}"
    body = {"profile": profile("mentee", [("sql", "expert")], ["negotiation"], 6, "acme")}
    first = client.put(path, json=body, headers={**headers, "idempotency-key": key,
                                                 "if-match": f'"{person["version"]}"'})
    assert first.status_code == 200, first.text
    other = client.put(path, json=body, headers={**headers, "idempotency-key": key,
                                                 "if-match": f'"{person["version"] + 1}"'})
    assert other.status_code == 422 and other.json()["type"].endswith("/idempotency-key-reused")


# 3. A refusal changed nothing: it is not remembered, so a corrected retry proceeds.

def test_a_refused_request_is_not_replayed_when_the_same_request_is_sent_again(intake):
    client, headers = intake["client"], partner(intake)
    path = f"/v1/participants/{enrol(intake, headers).json()['id']}"
    key = f"resume-{uuid4()}"
    refused = client.post(f"{path}/resume", headers={**headers, "idempotency-key": key})
    assert refused.status_code == 409 and refused.json()["type"].endswith("/participant-already-active")
    assert client.post(f"{path}/pause", headers={**headers, "idempotency-key": uuid4().hex}).status_code == 200
    resumed = client.post(f"{path}/resume", headers={**headers, "idempotency-key": key})
    assert resumed.status_code == 200, resumed.text
    assert resumed.json()["status"] == "active" and "idempotent-replayed" not in resumed.headers


def test_a_stale_if_match_412_does_not_stick_to_the_key_of_the_corrected_retry(intake):
    client, headers = intake["client"], partner(intake)
    person = enrol(intake, headers).json()
    path, key = f"/v1/participants/{person['id']}/profile", f"profile-{uuid4()}"
    body = {"profile": profile("mentee", [("sql", "expert")], ["negotiation"], 6, "acme")}
    stale = client.put(path, json=body, headers={**headers, "idempotency-key": key, "if-match": '"0"'})
    assert stale.status_code == 412
    corrected = client.put(path, json=body, headers={**headers, "idempotency-key": key,
                                                     "if-match": f'"{person["version"]}"'})
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["profile"]["wants"] == ["negotiation"]


# 4. Keys, and the ids derived from them, belong to one principal, not to the whole tenant.

def test_two_people_of_one_tenant_choosing_the_same_key_each_create_their_own(intake):
    client, key = intake["client"], f"enrol-{uuid4()}"
    alice, bob = partner(intake, "alice@acme"), partner(intake, "bob@acme")
    by_alice = enrol(intake, alice, key, name="From Alice")
    by_bob = enrol(intake, bob, key, name="From Bob")
    assert by_alice.status_code == 201, by_alice.text
    assert by_bob.status_code == 201, by_bob.text
    assert by_alice.json()["id"] != by_bob.json()["id"]
    assert "idempotent-replayed" not in by_bob.headers
    assert enrol(intake, bob, key, name="From Bob").json()["id"] == by_bob.json()["id"]
    alices = client.get(f"/v1/participants/{by_alice.json()['id']}", headers=alice).json()
    assert alices["personal"]["name"] == "From Alice"


# 5. A key that is empty, too long or not printable ASCII is refused, naming the header.

@pytest.mark.parametrize("key", [b"", b"k" * 201, b"cl\xc3\xa9", b"tab\there", b"\xe2\x80\x8bzero-width"],
                         ids=["empty", "201 characters", "non-ascii", "control character", "zero-width space"])
def test_a_malformed_key_is_a_422_naming_the_header_and_writes_nothing(intake, key):
    client, headers = intake["client"], partner(intake)
    # Counted from the read model once it has caught up, so earlier tests' writes still on
    # their way there are not taken for this one's.
    eventually(lambda: projector_caught_up(client), what="the read model to catch up")
    before = len(client.get("/v1/participants", params={"limit": 200}, headers=headers).json()["items"])
    response = client.post("/v1/participants", headers={**headers, "idempotency-key": key},
                           json=enrolment(intake))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    assert [e["field"] for e in response.json()["errors"]] == ["header.Idempotency-Key"]
    eventually(lambda: projector_caught_up(client), what="the read model to catch up")
    after = len(client.get("/v1/participants", params={"limit": 200}, headers=headers).json()["items"])
    assert after == before


def test_a_key_of_exactly_200_printable_characters_is_accepted(intake):
    key = "k-" + "x" * 196 + " ~"
    assert len(key) == 200
    assert enrol(intake, partner(intake), key).status_code == 201


def test_a_create_saved_before_its_answer_was_recorded_answers_the_same_when_retried(intake):
    """The process died between the commit and the idempotency record (kill -9 does this):
    the retry, under the same key, finds its derived id taken and answers with what it made."""
    client, settings = intake["client"], intake["settings"]
    headers = {**partner(intake), "idempotency-key": uuid4().hex}
    enrolled = client.post("/v1/participants", headers=headers, json=enrolment(intake)).json()
    body = {"program_id": intake["program"], "mentee_id": enrolled["id"], "meeting_modes": ["video"],
            "goals": [{"topic": "leadership", "outcome": "lead a team"}]}
    first = client.post("/v1/requests", headers=headers | {"idempotency-key": uuid4().hex}, json=body)
    assert first.status_code == 201, first.text
    forget_answers = "DELETE FROM idempotency_keys"  # as if no answer had been recorded for either

    async def forget() -> None:
        connection = await asyncpg.connect(settings.postgres_dsn(settings.intake_database))
        try:
            await connection.execute(forget_answers)
        finally:
            await connection.close()

    retry_keys = {"enrol": headers["idempotency-key"], "request": first.request.headers["idempotency-key"]}
    asyncio.run(forget())
    again = client.post("/v1/participants", headers=headers | {"idempotency-key": retry_keys["enrol"]},
                        json=enrolment(intake))
    assert (again.status_code, again.json()["id"]) == (201, enrolled["id"])
    retried = client.post("/v1/requests", headers=headers | {"idempotency-key": retry_keys["request"]}, json=body)
    assert retried.status_code == 201, retried.text
    assert retried.json()["id"] == first.json()["id"]
