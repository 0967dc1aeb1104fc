"""Ids the caller cannot see answer 404, before any rule could reveal that they exist;
a participant token is that person only when its organization is theirs too."""

from uuid import UUID

import pytest

from services.intake.main import build
from tests.integration.conftest import service_client
from tests.support.api_client import profile, token

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def api(server_settings):
    with service_client(server_settings, "intake", build) as (client, settings):
        def as_(tenant: str, role: str, participant=None) -> dict:  # noqa: ANN001
            return {"authorization": f"Bearer {token(settings, tenant, role, participant)}"}

        operator = as_("ops", "operator")
        programs = {org: client.post("/v1/programs", headers=operator, json={
            "name": f"Only {org}", "formats": ["one_to_one", "reciprocal"], "organizations": [org]}).json()
            for org in ("acme", "globex")}
        yield {"client": client, "as": as_, "programs": programs}


def enrol(api, org: str) -> UUID:  # noqa: ANN001
    response = api["client"].post("/v1/participants", headers=api["as"](org, "partner"), json={
        "program_id": api["programs"][org]["id"], "name": "N", "contact_email": "n@example.com",
        "consent_given": True, "profile": profile("both", [("sql", "expert")], ["sql"], 5, org)})
    assert response.status_code == 201, response.text
    return UUID(response.json()["id"])


def test_enrolling_into_another_organizations_program_is_a_404_not_a_409(api):
    response = api["client"].post("/v1/participants", headers=api["as"]("acme", "partner"), json={
        "program_id": api["programs"]["globex"]["id"], "name": "N", "contact_email": "n@example.com",
        "consent_given": True, "profile": profile("mentee", [], ["sql"], 5, "acme")})
    assert response.status_code == 404, response.text


def test_naming_another_organizations_person_in_a_request_is_a_404_not_a_409(api):
    mine, theirs = enrol(api, "acme"), enrol(api, "globex")
    client, acme = api["client"], api["as"]("acme", "partner")
    goals = [{"topic": "sql", "outcome": "a query plan"}]
    for named in ({"named_mentor_id": str(theirs)}, {"format": "reciprocal", "co_mentee_id": str(theirs)}):
        response = client.post("/v1/requests", headers=acme, json={
            "program_id": api["programs"]["acme"]["id"], "mentee_id": str(mine), "goals": goals,
            "meeting_modes": ["video"], **named})
        assert response.status_code == 404, (named, response.text)


def test_a_participant_token_signed_for_another_organization_is_not_that_person(api):
    person = enrol(api, "acme")
    client = api["client"]
    assert client.get(f"/v1/participants/{person}", headers=api["as"]("acme", "participant", person)).status_code == 200
    impostor = api["as"]("globex", "participant", person)
    assert client.get(f"/v1/participants/{person}", headers=impostor).status_code == 404
    assert client.post(f"/v1/participants/{person}/pause", headers=impostor).status_code == 404
