"""Intake checks a group request's other mentees at its HTTP boundary: each problem is a
problem+json naming the field (`body.co_mentee_ids.<position>`); someone the caller may not
see is a 404 that names the field but not the person."""

import pytest

from services.intake.main import build
from tests.integration.conftest import service_client
from tests.support.api_client import profile, token

pytestmark = pytest.mark.integration
PROBLEM = "application/problem+json"
GOAL = {"topic": "public speaking", "outcome": "give a talk"}


@pytest.fixture(scope="module")
def api(server_settings):
    with service_client(server_settings, "intake", build) as (client, settings):
        def as_(tenant: str, role: str) -> dict:
            return {"authorization": f"Bearer {token(settings, tenant, role)}"}

        operator, acme, initech = as_("ops", "operator"), as_("acme", "partner"), as_("initech", "partner")

        def program(formats: list[str], organizations: list[str]) -> str:
            return client.post("/v1/programs", headers=operator, json={
                "name": "Groups", "formats": formats, "organizations": organizations}).json()["id"]

        groups, elsewhere = program(["group"], ["acme"]), program(["group"], ["initech"])
        singles = program(["one_to_one"], ["acme"])

        def enrol(headers: dict, program_id: str, roles: str = "mentee", organization: str = "acme") -> str:
            body = {"program_id": program_id, "name": "N", "contact_email": "n@example.com", "consent_given": True,
                    "profile": profile(roles, [("sql", "basic")], ["public speaking"], 5, organization)}
            made = client.post("/v1/participants", headers=headers, json=body)
            assert made.status_code == 201, made.text
            return made.json()["id"]

        yield {"client": client, "acme": acme, "settings": settings, "programs": {"groups": groups, "singles": singles},
               "people": {"requester": enrol(acme, groups), "other": enrol(acme, groups),
                          "mentor_only": enrol(acme, groups, "mentor"), "single": enrol(acme, singles),
                          "single_other": enrol(acme, singles),
                          "hidden": enrol(initech, elsewhere, organization="initech")}}


def ask(api, members: list[str], program: str = "groups", requester: str = "requester"):
    people = api["people"]
    return api["client"].post("/v1/requests", headers=api["acme"], json={
        "program_id": api["programs"][program], "mentee_id": people[requester], "format": "group",
        "co_mentee_ids": [people.get(m, m) for m in members], "goals": [GOAL], "meeting_modes": ["video"]})


def problem_fields(response) -> list[str]:
    assert response.headers["content-type"] == PROBLEM, response.text
    return [error["field"] for error in response.json()["errors"]]


def test_a_group_of_active_mentees_of_the_program_is_accepted_and_names_them(api):
    made = ask(api, ["other"])
    assert made.status_code == 201, made.text
    assert made.json()["co_mentee_ids"] == [api["people"]["other"]]


def test_a_mentor_only_member_is_a_422_naming_their_position(api):
    response = ask(api, ["other", "mentor_only"])
    assert response.status_code == 422 and problem_fields(response) == ["body.co_mentee_ids.1"]


def test_a_member_of_another_program_is_a_422_naming_the_field(api):
    response = ask(api, ["single"])
    assert response.status_code == 422 and problem_fields(response) == ["body.co_mentee_ids.0"]


def test_the_requester_named_again_is_a_422_naming_the_field(api):
    response = ask(api, ["requester"])
    assert response.status_code == 422 and problem_fields(response) == ["body.co_mentee_ids.0"]


def test_more_than_seven_others_is_a_422_naming_the_list(api):
    response = ask(api, ["other"] * 8)
    assert response.status_code == 422 and problem_fields(response) == ["body.co_mentee_ids"]


def test_someone_the_caller_may_not_see_is_a_404_naming_the_field(api):
    response = ask(api, ["hidden"])
    assert response.status_code == 404 and problem_fields(response) == ["body.co_mentee_ids.0"]
    assert api["people"]["hidden"] not in response.json()["errors"][0]["reason"]


def test_a_program_without_the_group_format_refuses_a_group(api):
    response = ask(api, ["single_other"], program="singles", requester="single")
    assert response.status_code == 409, response.text
    assert response.json()["type"].endswith("/format-not-allowed")


def test_a_group_larger_than_the_program_allows_is_refused_naming_the_field(api):
    client, acme = api["client"], api["acme"]
    operator = {"authorization": f"Bearer {token(api['settings'], 'ops', 'operator')}"}
    small = client.post("/v1/programs", headers=operator, json={
        "name": "Small groups", "formats": ["group"], "organizations": ["acme"], "max_group_size": 2}).json()["id"]
    people = []
    for _ in range(3):
        made = client.post("/v1/participants", headers=acme, json={
            "program_id": small, "name": "N", "contact_email": "n@example.com", "consent_given": True,
            "profile": profile("mentee", [("sql", "basic")], ["public speaking"], 5, "acme")})
        people.append(made.json()["id"])
    asked = client.post("/v1/requests", headers=acme, json={
        "program_id": small, "mentee_id": people[0], "format": "group", "co_mentee_ids": people[1:],
        "goals": [GOAL], "meeting_modes": ["video"]})
    assert asked.status_code == 422, asked.text
    assert problem_fields(asked) == ["body.co_mentee_ids"]
    assert "at most 2 mentees" in asked.json()["detail"]
