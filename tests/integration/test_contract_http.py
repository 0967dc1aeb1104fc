"""The services answer as their OpenAPI documents say: headers a generated client
relies on are really sent."""

import pytest

from services.intake.main import build
from tests.integration.conftest import service_client
from tests.support.api_client import token

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
