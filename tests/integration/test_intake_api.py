"""Intake's HTTP API against real PostgreSQL and Kafka: every error kind, tenant
isolation, idempotent retries, optimistic concurrency."""

from uuid import UUID, uuid4

import asyncpg
import psycopg
import pytest

from shared.http.idempotency import forget_old_keys
from services.intake.main import build
from tests.integration.conftest import service_client
from tests.support.api_client import eventually, profile, token

pytestmark = pytest.mark.integration
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def api(server_settings):
    with service_client(server_settings, "intake", build) as (client, settings):
        def as_(tenant: str, role: str, participant=None) -> dict:
            return {"authorization": f"Bearer {token(settings, tenant, role, participant)}"}

        operator, acme, globex = as_("ops", "operator"), as_("acme", "partner"), as_("globex", "partner")
        program = client.post("/v1/programs", headers=operator, json={
            "name": "Leaders", "formats": ["one_to_one"], "organizations": ["acme", "globex"],
            "max_open_requests_per_mentee": 2}).json()
        yield {"client": client, "settings": settings, "as": as_, "operator": operator, "acme": acme,
               "globex": globex, "program": program}


def enrol(api, headers, roles="mentee", organization="acme"):
    body = {"program_id": api["program"]["id"], "name": "N", "contact_email": "n@example.com",
            "consent_given": True, "profile": profile(roles, [("sql", "expert")], ["leadership"], 5, organization)}
    response = api["client"].post("/v1/participants", headers=headers, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_every_endpoint_refuses_a_missing_or_bad_token_with_a_401_problem(api):
    for method, path in (("get", "/v1/programs"), ("post", "/v1/participants"), ("get", "/v1/requests")):
        response = getattr(api["client"], method)(path)
        assert response.status_code == 401
        assert response.headers["content-type"] == PROBLEM
        bad = getattr(api["client"], method)(path, headers={"authorization": "Bearer nonsense"})
        assert bad.status_code == 401


def test_only_operators_open_programs(api):
    response = api["client"].post("/v1/programs", headers=api["acme"], json={
        "name": "X", "formats": ["peer"], "organizations": ["acme"]})
    assert response.status_code == 403
    assert response.json()["type"].endswith("/forbidden")


def test_garbage_gets_a_422_naming_each_bad_field_and_writes_nothing(api):
    response = api["client"].post("/v1/participants", headers=api["acme"], json={
        "program_id": "not-a-uuid", "name": "", "contact_email": "nope", "consent_given": True,
        "profile": {"roles": "wizard"}})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    fields = {error["field"] for error in response.json()["errors"]}
    assert {"body.program_id", "body.name", "body.contact_email", "body.profile.roles"} <= fields
    listing = api["client"].get("/v1/participants", headers=api["acme"]).json()
    assert all(item["profile"]["roles"] != "wizard" for item in listing["items"])


def test_an_oversized_body_gets_a_413(api):
    response = api["client"].post("/v1/requests", headers={**api["acme"], "content-type": "application/json"},
                                  content=b'{"x": "' + b"a" * 70_000 + b'"}')
    assert response.status_code == 413
    assert response.json()["type"].endswith("/payload-too-large")


def test_enrolment_without_consent_is_a_409_rule_violation(api):
    response = api["client"].post("/v1/participants", headers=api["acme"], json={
        "program_id": api["program"]["id"], "name": "N", "contact_email": "n@example.com", "consent_given": False,
        "profile": profile("mentee", [], ["x"], 1, "acme")})
    assert response.status_code == 409
    assert response.json()["type"].endswith("/consent-required")


def test_another_tenants_participant_is_a_404_for_reads_and_writes(api):
    person = enrol(api, api["acme"])
    client = api["client"]
    assert client.get(f"/v1/participants/{person['id']}", headers=api["globex"]).status_code == 404
    assert client.post(f"/v1/participants/{person['id']}/pause", headers=api["globex"]).status_code == 404
    assert client.get(f"/v1/participants/{uuid4()}", headers=api["acme"]).status_code == 404
    assert client.get(f"/v1/participants/{person['id']}", headers=api["acme"]).status_code == 200


def test_a_participant_token_acts_only_for_that_person(api):
    me, other = enrol(api, api["acme"]), enrol(api, api["acme"])
    mine = api["as"]("acme", "participant", me["id"])
    assert api["client"].get(f"/v1/participants/{me['id']}", headers=mine).status_code == 200
    assert api["client"].get(f"/v1/participants/{other['id']}", headers=mine).status_code == 404


def test_a_retried_create_returns_the_first_answer_and_creates_nothing_new(api):
    body = {"program_id": api["program"]["id"], "name": "Retry", "contact_email": "r@example.com",
            "consent_given": True, "profile": profile("mentor", [("go", "expert")], [], 9, "acme")}
    headers = {**api["acme"], "idempotency-key": f"enrol-{uuid4()}"}
    first = api["client"].post("/v1/participants", headers=headers, json=body)
    second = api["client"].post("/v1/participants", headers=headers, json=body)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert second.headers["idempotent-replayed"] == "true"
    changed = api["client"].post("/v1/participants", headers=headers, json={**body, "name": "Other"})
    assert changed.status_code == 422
    assert changed.json()["type"].endswith("/idempotency-key-reused")


def test_a_stale_if_match_is_412_and_a_missing_one_is_428(api):
    person = enrol(api, api["acme"])
    new_profile = {"profile": profile("mentee", [("sql", "expert")], ["leadership", "negotiation"], 5, "acme")}
    path = f"/v1/participants/{person['id']}/profile"
    assert api["client"].put(path, headers=api["acme"], json=new_profile).status_code == 428
    stale = api["client"].put(path, headers={**api["acme"], "if-match": '"0"'}, json=new_profile)
    assert stale.status_code == 412
    fresh = api["client"].put(path, headers={**api["acme"], "if-match": f'"{person["version"]}"'}, json=new_profile)
    assert fresh.status_code == 200
    assert fresh.headers["etag"] == f'"{person["version"] + 1}"'
    assert fresh.json()["profile_version"] == 2


def test_the_open_request_cap_and_duplicate_goals_are_409s_with_their_own_types(api):
    mentee = enrol(api, api["acme"])
    client, program = api["client"], api["program"]["id"]

    def request(topic: str):
        return client.post("/v1/requests", headers=api["acme"], json={
            "program_id": program, "mentee_id": mentee["id"], "meeting_modes": ["video"],
            "goals": [{"topic": topic, "outcome": "get better"}]})

    assert request("leadership").status_code == 201
    duplicate = request("Leadership")
    assert duplicate.status_code == 409 and duplicate.json()["type"].endswith("/duplicate-open-request")
    assert request("negotiation").status_code == 201
    over_cap = request("finance")
    assert over_cap.status_code == 409 and over_cap.json()["type"].endswith("/open-request-cap-reached")


def key_rows_of(api, subject_id: str) -> int:
    """Read straight from intake's key table: the view hides sealed text whether or not the key is gone."""
    settings = api["settings"]
    with psycopg.connect(settings.postgres_dsn(settings.intake_database)) as database:
        return database.execute("SELECT count(*) FROM subject_keys WHERE subject_id = %s",
                                (subject_id,)).fetchone()[0]


def test_erasure_makes_personal_data_unreadable_but_keeps_the_history(api):
    person = enrol(api, api["acme"])
    client = api["client"]
    assert client.get(f"/v1/participants/{person['id']}", headers=api["acme"]).json()["personal"]["name"] == "N"
    assert key_rows_of(api, person["id"]) == 1
    erased = client.post(f"/v1/participants/{person['id']}/erase", headers=api["acme"])
    assert erased.status_code == 200 and erased.json()["erased"] is True
    assert key_rows_of(api, person["id"]) == 0, "the person's key must be deleted, not only hidden"
    after = client.get(f"/v1/participants/{person['id']}", headers=api["acme"]).json()
    assert "personal" not in after
    history = client.get(f"/v1/participants/{person['id']}/events", headers=api["acme"]).json()["items"]
    assert [entry["type"] for entry in history] == ["mentoring.intake.ParticipantEnrolled.v1",
                                                     "mentoring.intake.ParticipantErased.v1"]
    assert all("ciphertext" not in key for entry in history for key in entry["data"])


def test_retrying_an_erase_whose_key_deletion_failed_deletes_the_key(api):
    person = enrol(api, api["acme"])
    client = api["client"]
    # The first attempt saved the erasure, then failed before deleting the key.
    store = client.app.state.runtime.app
    half_erased = store.repository.get(UUID(person["id"]))
    half_erased.erase()
    store.save(half_erased)
    assert key_rows_of(api, person["id"]) == 1
    retried = client.post(f"/v1/participants/{person['id']}/erase", headers=api["acme"])
    assert retried.status_code == 200, retried.text
    assert retried.json()["erased"] is True
    assert key_rows_of(api, person["id"]) == 0
    again = client.post(f"/v1/participants/{person['id']}/erase", headers=api["acme"])
    assert again.status_code == 200 and again.json()["version"] == retried.json()["version"]
    history = client.get(f"/v1/participants/{person['id']}/events", headers=api["acme"]).json()["items"]
    assert [entry["type"] for entry in history] == ["mentoring.intake.ParticipantEnrolled.v1",
                                                     "mentoring.intake.ParticipantErased.v1"]


def test_another_tenant_cannot_erase_a_participant_and_their_key_stays(api):
    person = enrol(api, api["acme"])
    refused = api["client"].post(f"/v1/participants/{person['id']}/erase", headers=api["globex"])
    assert refused.status_code == 404
    assert key_rows_of(api, person["id"]) == 1


def test_lists_filter_by_role_and_topic_and_page_by_cursor(api):
    for _ in range(3):
        enrol(api, api["globex"], roles="mentor", organization="globex")
    client = api["client"]
    query = {"role": "mentor", "topic": "sql"}
    eventually(lambda: len(client.get("/v1/participants", headers=api["globex"], params=query).json()["items"]) == 3,
               what="all three in the projection")
    first = client.get("/v1/participants", headers=api["globex"], params={**query, "limit": 2}).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = client.get("/v1/participants", headers=api["globex"],
                        params={"role": "mentor", "topic": "sql", "limit": 2, "cursor": first["next_cursor"]}).json()
    ids = [item["id"] for item in first["items"] + second["items"]]
    assert len(ids) == len(set(ids)) == 3
    assert all(item["organization_id"] == "globex" for item in first["items"] + second["items"])
    garbage = client.get("/v1/participants", headers=api["globex"], params={"cursor": "%%%"})
    assert garbage.status_code == 422


def test_a_closed_program_refuses_new_requests_with_a_409(api):
    client = api["client"]
    program = client.post("/v1/programs", headers=api["operator"], json={
        "name": "Short", "formats": ["one_to_one"], "organizations": ["acme"]}).json()
    mentee = client.post("/v1/participants", headers=api["acme"], json={
        "program_id": program["id"], "name": "N", "contact_email": "n@example.com", "consent_given": True,
        "profile": profile("mentee", [], ["x"], 1, "acme")}).json()
    assert client.post(f"/v1/programs/{program['id']}/close", headers=api["operator"]).status_code == 200
    refused = client.post("/v1/requests", headers=api["acme"], json={
        "program_id": program["id"], "mentee_id": mentee["id"], "meeting_modes": ["video"],
        "goals": [{"topic": "x", "outcome": "y"}]})
    assert refused.status_code == 409 and refused.json()["type"].endswith("/program-not-open")
    again = client.post(f"/v1/programs/{program['id']}/reopen", headers=api["operator"])
    assert again.status_code == 409 and again.json()["type"].endswith("/program-closed")


def test_openapi_is_published(api):
    spec = api["client"].get("/openapi.json").json()
    assert "/v1/requests/{request_id}/withdraw" in spec["paths"]


def test_metrics_are_for_dashboards_and_operators_and_probes_stay_open(api):
    client = api["client"]
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers=api["acme"]).status_code == 403
    dashboard = client.get("/metrics", headers=api["as"]("ops", "dashboard"))
    assert dashboard.status_code == 200 and "http_request_seconds" in dashboard.text
    eventually(lambda: 'events_published_total{service="intake"}' in client.get(
        "/metrics", headers=api["as"]("ops", "dashboard")).text, what="the relay's counter")
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").json()["checks"]["database"] == "ok"


def test_a_dashboard_token_cannot_use_the_api(api):
    assert api["client"].get("/v1/requests", headers=api["as"]("ops", "dashboard")).status_code == 403


def test_operators_change_pause_and_reopen_programs_and_partners_see_only_theirs(api):
    client, operator = api["client"], api["operator"]
    program = client.post("/v1/programs", headers=operator, json={
        "name": "Steer", "formats": ["one_to_one"], "organizations": ["globex"]}).json()
    path = f"/v1/programs/{program['id']}"
    changed = client.put(path, headers={**operator, "if-match": '"1"'}, json={
        "name": "Steer", "formats": ["one_to_one", "peer"], "organizations": ["globex"], "cadence_days": 7})
    assert changed.status_code == 200 and changed.json()["policy_version"] == 2
    assert client.post(f"{path}/pause", headers=operator).json()["status"] == "paused"
    assert client.post(f"{path}/reopen", headers=operator).json()["status"] == "open"
    history = [e["type"] for e in client.get(f"{path}/events", headers=operator).json()["items"]]
    assert history == ["mentoring.intake.ProgramOpened.v1", *["mentoring.intake.ProgramChanged.v1"] * 3]
    assert client.get(path, headers=api["acme"]).status_code == 404, "acme does not take part"
    assert client.get(path, headers=api["globex"]).status_code == 200
    visible = eventually(lambda: (lambda ids: ids if program["id"] in ids else None)(
        [p["id"] for p in client.get("/v1/programs", headers=api["globex"]).json()["items"]]), what="the list")
    assert program["id"] in visible
    acme_ids = [p["id"] for p in client.get("/v1/programs", headers=api["acme"]).json()["items"]]
    assert program["id"] not in acme_ids


def test_a_request_is_edited_with_if_match_withdrawn_and_its_history_kept(api):
    client, acme = api["client"], api["acme"]
    mentee = enrol(api, acme)
    created = client.post("/v1/requests", headers=acme, json={
        "program_id": api["program"]["id"], "mentee_id": mentee["id"], "meeting_modes": ["video"],
        "goals": [{"topic": "pricing", "outcome": "a pricing page"}]})
    path = f"/v1/requests/{created.json()['id']}"
    update = {"goals": [{"topic": "pricing", "outcome": "a pricing model"}], "meeting_modes": ["phone"]}
    assert client.put(path, headers=acme, json=update).status_code == 428
    edited = client.put(path, headers={**acme, "if-match": created.headers["etag"]}, json=update)
    assert edited.status_code == 200 and edited.json()["meeting_modes"] == ["phone"]
    assert client.post(f"{path}/withdraw", headers=acme).json()["status"] == "withdrawn"
    again = client.post(f"{path}/withdraw", headers=acme)
    assert again.status_code == 409 and again.json()["type"].endswith("/request-not-pending")
    history = [e["type"] for e in client.get(f"{path}/events", headers=acme).json()["items"]]
    assert history == [f"mentoring.intake.{name}.v1" for name in
                       ("MentorshipRequested", "MentorshipRequestUpdated", "MentorshipRequestWithdrawn")]
    assert client.get(path, headers=api["globex"]).status_code == 404
    mine = api["as"]("acme", "participant", mentee["id"])
    listed = eventually(lambda: client.get("/v1/requests", headers=mine, params={"status": "withdrawn"})
                        .json()["items"], what="the list")
    assert [r["id"] for r in listed] == [created.json()["id"]]


def test_a_participant_resumes_withdraws_and_a_pay_it_forward_offer_needs_an_offer(api):
    client, acme = api["client"], api["acme"]
    person = enrol(api, acme)
    path = f"/v1/participants/{person['id']}"
    assert client.post(f"{path}/resume", headers=acme).json()["type"].endswith("/participant-already-active")
    confirm = client.post(f"{path}/mentor-enrolment/confirm", headers=acme)
    assert confirm.status_code == 409 and confirm.json()["type"].endswith("/no-pending-mentor-offer")
    assert client.post(f"{path}/withdraw", headers=acme).json()["status"] == "withdrawn"


async def test_idempotency_keys_are_forgotten_after_their_time_to_live(api):
    settings = api["settings"]
    headers = {**api["acme"], "idempotency-key": f"old-{uuid4()}"}
    body = {"program_id": api["program"]["id"], "name": "T", "contact_email": "t@example.com",
            "consent_given": True, "profile": profile("mentee", [], ["x"], 1, "acme")}
    assert api["client"].post("/v1/participants", headers=headers, json=body).status_code == 201
    pool = await asyncpg.create_pool(settings.postgres_dsn(settings.intake_database), min_size=1, max_size=1)
    try:
        await pool.execute("UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = $1",
                           headers["idempotency-key"])
        assert await forget_old_keys(pool, 24) >= 1
        remaining = await pool.fetchval("SELECT count(*) FROM idempotency_keys WHERE key = $1",
                                        headers["idempotency-key"])
    finally:
        await pool.close()
    assert remaining == 0
