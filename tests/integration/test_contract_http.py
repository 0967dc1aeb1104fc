"""The services answer as their OpenAPI documents say: headers a generated client
relies on are really sent."""

import json
from uuid import UUID

import jsonschema
import pytest

from scripts.export_event_schemas import EVENTS_DIR
from shared.envelope import event_id
from services.intake.main import build
from tests.integration.conftest import service_client
from tests.support.api_client import profile, token

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def intake(server_settings):
    with service_client(server_settings, "intake", build) as (client, settings):
        yield client, settings


@pytest.mark.parametrize("headers", [{}, {"authorization": "Bearer not-a-token"}])
def test_a_401_names_the_bearer_scheme_in_www_authenticate(intake, headers):
    client, _ = intake
    answer = client.get("/v1/programs", headers=headers)
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"].startswith("Bearer")
    assert answer.headers["content-type"] == "application/problem+json"


def test_an_integer_field_sent_true_is_a_422_naming_it_not_a_1(intake):
    client, settings = intake
    operator = {"authorization": f"Bearer {token(settings, 'ops', 'operator')}"}
    answer = client.post("/v1/programs", headers=operator, json={
        "name": "Strict", "formats": ["one_to_one"], "organizations": ["acme"], "length_weeks": True,
        "ground_rules": {"response_time_hours": True}})
    assert answer.status_code == 422, answer.text
    fields = {error["field"] for error in answer.json()["errors"]}
    assert {"body.length_weeks", "body.ground_rules.response_time_hours"} <= fields
    accepted = client.post("/v1/programs", headers=operator, json={
        "name": "Strict", "formats": ["one_to_one"], "organizations": ["acme"], "length_weeks": 12})
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["length_weeks"] == 12


def test_events_endpoints_answer_public_contracts_that_validate_against_docs_events(intake):
    client, settings = intake
    operator = {"authorization": f"Bearer {token(settings, 'ops', 'operator')}"}
    acme = {"authorization": f"Bearer {token(settings, 'acme', 'partner')}"}
    program = client.post("/v1/programs", headers=operator, json={
        "name": "Public", "formats": ["one_to_one"], "organizations": ["acme"]}).json()
    client.post(f"/v1/programs/{program['id']}/pause", headers=operator)
    client.post(f"/v1/programs/{program['id']}/reopen", headers=operator)
    person = client.post("/v1/participants", headers=acme, json={
        "program_id": program["id"], "name": "P", "contact_email": "p@example.com", "consent_given": True,
        "profile": profile("mentee", [], ["sql"], 2, "acme")}).json()
    request = client.post("/v1/requests", headers=acme, json={
        "program_id": program["id"], "mentee_id": person["id"], "meeting_modes": ["video"],
        "goals": [{"topic": "sql", "outcome": "a query plan read alone"}]}).json()
    client.post(f"/v1/requests/{request['id']}/withdraw", headers=acme)
    client.post(f"/v1/participants/{person['id']}/pause", headers=acme)

    seen = []
    for path in (f"/v1/programs/{program['id']}", f"/v1/participants/{person['id']}",
                 f"/v1/requests/{request['id']}"):
        answer = client.get(f"{path}/events", headers=operator)
        assert answer.status_code == 200, answer.text
        for item in answer.json()["items"]:
            schema = json.loads((EVENTS_DIR / f"{item['type']}.json").read_text())
            jsonschema.validate(item["data"], schema)
            assert item["dataschema"] == schema["$id"]
            assert item["id"] == event_id(UUID(item["subject"]), item["subjectversion"])
            seen.append(item["type"].split(".")[2])
    # The person's request bookkeeping (ParticipantRequestOpened/Settled) is internal: left out.
    assert seen == ["ProgramOpened", "ProgramChanged", "ProgramChanged", "ParticipantEnrolled",
                    "ParticipantAvailabilityChanged", "MentorshipRequested", "MentorshipRequestWithdrawn"]
