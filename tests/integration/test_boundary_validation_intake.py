"""Intake refuses, at its HTTP boundary, text and names nothing downstream can hold:
U+0000 or lone surrogates in any stored field (PostgreSQL's jsonb and text refuse them,
so the projector would stop on them later) and time zones that do not exist.
Each is a 422 naming the field, and nothing is written."""

import json
from uuid import uuid4

import pytest

from services.intake.main import build
from tests.integration.conftest import service_client
from tests.support.api_client import eventually, profile, token

pytestmark = pytest.mark.integration
PROBLEM = "application/problem+json"
NUL = "\u0000"


@pytest.fixture(scope="module")
def api(server_settings):
    with service_client(server_settings, "intake", build) as (client, settings):
        def as_(tenant: str, role: str) -> dict:
            return {"authorization": f"Bearer {token(settings, tenant, role)}"}

        operator, acme = as_("ops", "operator"), as_("acme", "partner")
        program = client.post("/v1/programs", headers=operator, json={
            "name": "Boundaries", "formats": ["one_to_one"], "organizations": ["acme"]}).json()
        mentee = client.post("/v1/participants", headers=acme, json=enrolment(program["id"])).json()
        yield {"client": client, "operator": operator, "acme": acme, "program": program, "mentee": mentee}


def enrolment(program_id: str, **profile_changes) -> dict:  # noqa: ANN003
    return {"program_id": program_id, "name": "N", "contact_email": "n@example.com", "consent_given": True,
            "profile": {**profile("mentee", [("sql", "basic")], ["leadership"], 5, "acme"), **profile_changes}}


def refused(response, field: str) -> None:  # noqa: ANN001
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    fields = [error["field"] for error in response.json()["errors"]]
    assert field in fields, fields


def program_body(**changes) -> dict:  # noqa: ANN003
    return {"name": "P", "formats": ["one_to_one"], "organizations": ["acme"], **changes}


@pytest.mark.parametrize(("changes", "field"), [
    ({"name": f"Lead{NUL}ers"}, "body.name"),
    ({"description": f"x{NUL}"}, "body.description"),
    ({"organizations": ["acme", f"glo{NUL}bex"]}, "body.organizations.1"),
    ({"ground_rules": {"feedback": f"{NUL}"}}, "body.ground_rules.feedback"),
    ({"name": "half \ud800 a pair"}, "body.name"),
])
def test_a_program_with_unstorable_text_is_a_422_naming_the_field(api, changes, field):
    # Sent escaped (\\ud800), as a JSON writer does: a lone surrogate is not UTF-8 on the wire.
    response = api["client"].post("/v1/programs", headers={**api["operator"], "content-type": "application/json"},
                                  content=json.dumps(program_body(**changes)))
    refused(response, field)


@pytest.mark.parametrize(("changes", "field"), [
    ({"organization": f"ac{NUL}me"}, "body.profile.organization"),
    ({"department": f"{NUL}"}, "body.profile.department"),
    ({"location": f"Paris{NUL}"}, "body.profile.location"),
    ({"wants": [f"lead{NUL}ership"]}, "body.profile.wants.0"),
    ({"offers": [{"topic": f"s{NUL}ql", "level": "basic"}]}, "body.profile.offers.0.topic"),
    ({"time_zone": "Mars/Olympus"}, "body.profile.time_zone"),
    ({"time_zone": "../../etc/passwd"}, "body.profile.time_zone"),
    ({"time_zone": f"Europe/Paris{NUL}"}, "body.profile.time_zone"),
])
def test_an_enrolment_with_an_unstorable_profile_is_a_422_and_writes_nothing(api, changes, field):
    client = api["client"]
    response = client.post("/v1/participants", headers=api["acme"], json=enrolment(api["program"]["id"], **changes))
    refused(response, field)


def test_a_name_with_nul_is_refused_although_it_is_sealed(api):
    body = {**enrolment(api["program"]["id"]), "name": f"Ann{NUL}"}
    refused(api["client"].post("/v1/participants", headers=api["acme"], json=body), "body.name")


def test_a_real_iana_zone_is_accepted(api):
    response = api["client"].post("/v1/participants", headers=api["acme"], json=enrolment(
        api["program"]["id"], time_zone="America/Argentina/Buenos_Aires"))
    assert response.status_code == 201, response.text


def test_a_profile_update_with_nul_is_a_422(api):
    client, mentee = api["client"], api["mentee"]
    changed = profile("mentee", [], ["x"], 5, f"acme{NUL}")  # the organization
    response = client.put(f"/v1/participants/{mentee['id']}/profile", headers={**api["acme"], "if-match": '"1"'},
                          json={"profile": changed})
    refused(response, "body.profile.organization")


@pytest.mark.parametrize(("changes", "field"), [
    ({"goals": [{"topic": "speaking", "outcome": f"a{NUL}b"}]}, "body.goals.0.outcome"),
    ({"goals": [{"topic": f"spe{NUL}aking", "outcome": "keynote"}]}, "body.goals.0.topic"),
    ({"preferences": {"must_have": [f"language:{NUL}en"]}}, "body.preferences.must_have.0"),
    ({"preferences": {"avoid": [f"{NUL}"]}}, "body.preferences.avoid.0"),
])
def test_a_request_with_nul_in_goals_or_preferences_is_a_422(api, changes, field):
    body = {"program_id": api["program"]["id"], "mentee_id": api["mentee"]["id"], "meeting_modes": ["video"],
            "goals": [{"topic": "speaking", "outcome": "keynote"}], **changes}
    refused(api["client"].post("/v1/requests", headers=api["acme"], json=body), field)


def test_a_personal_message_with_nul_is_a_422(api):
    body = {"program_id": api["program"]["id"], "mentee_id": api["mentee"]["id"], "meeting_modes": ["video"],
            "goals": [{"topic": "speaking", "outcome": "keynote"}], "named_mentor_id": str(uuid4()),
            "personal_message": f"hi{NUL}"}
    refused(api["client"].post("/v1/requests", headers=api["acme"], json=body), "body.personal_message")


@pytest.mark.parametrize(("path", "parameter"), [
    ("/v1/participants", "status"), ("/v1/participants", "role"), ("/v1/participants", "topic"),
    ("/v1/requests", "status"), ("/v1/requests", "topic"), ("/v1/programs", "status"),
])
def test_a_list_filter_with_nul_is_a_4xx_not_a_500(api, path, parameter):
    headers = api["operator"] if path == "/v1/programs" else api["acme"]
    response = api["client"].get(path, headers=headers, params={parameter: f"open{NUL}"})
    assert response.status_code in (400, 422), response.text
    assert response.headers["content-type"] == PROBLEM
    assert f"query.{parameter}" in [error["field"] for error in response.json()["errors"]]


def test_after_refusals_the_read_model_still_follows_the_log(api):
    """What was refused was never stored, so the projector never met it."""
    client = api["client"]
    created = client.post("/v1/programs", headers=api["operator"], json=program_body(name="After")).json()
    eventually(lambda: any(item["id"] == created["id"] for item in client.get(
        "/v1/programs", headers=api["operator"], params={"limit": 200}).json()["items"]),
        what="the new program in the read model")
