"""Matching's inputs at the HTTP boundary: a program's matching-policy weights (set
through intake, scored by matching) name only the factors the scoring knows and are
finite numbers in 0..100; matching's own endpoints refuse text nothing can store."""

import json
from uuid import uuid4

import pytest

from shared.contracts.vocabulary import FACTORS
from services.intake.main import build as build_intake
from services.matching.domain.scoring import FACTORS as SCORED_FACTORS
from services.matching.main import build as build_matching
from tests.integration.conftest import service_client
from tests.support.api_client import token

pytestmark = pytest.mark.integration
PROBLEM = "application/problem+json"
NUL = "\u0000"


@pytest.fixture(scope="module")
def intake(server_settings):
    with service_client(server_settings, "intake", build_intake) as (client, settings):
        yield client, {"authorization": f"Bearer {token(settings, 'ops', 'operator')}"}


@pytest.fixture(scope="module")
def matching(server_settings):
    with service_client(server_settings, "matching", build_matching) as (client, settings):
        yield client, {"authorization": f"Bearer {token(settings, 'acme', 'partner')}"}


def program_with(weights_json: str) -> bytes:
    """Raw JSON, because NaN and Infinity are what a lenient JSON writer sends."""
    return ('{"name": "Weights", "formats": ["one_to_one"], "organizations": ["acme"], '
            '"matching_policy": {"weights": ' + weights_json + '}}').encode()


def refused(response, field_prefix: str) -> None:  # noqa: ANN001
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    fields = [error["field"] for error in response.json()["errors"]]
    assert any(field.startswith(field_prefix) for field in fields), fields


def test_the_boundary_knows_the_same_factors_as_the_scoring():
    assert set(FACTORS) == set(SCORED_FACTORS)


@pytest.mark.parametrize("weights", [
    '{"charisma": 10}',
    '{"learning": NaN}',
    '{"learning": Infinity}',
    '{"learning": -Infinity}',
    '{"learning": 1e308, "reciprocity": 1e308}',
    '{"learning": -5}',
    '{"learning": 101}',
    '{"learning": "heavy"}',
    '{"learn\\u0000ing": 10}',
])
def test_a_program_with_weights_the_scoring_cannot_use_is_a_422_naming_the_weights(intake, weights):
    client, operator = intake
    response = client.post("/v1/programs", headers={**operator, "content-type": "application/json"},
                           content=program_with(weights))
    refused(response, "body.matching_policy.weights")


def test_changing_a_program_to_bad_weights_is_a_422_too(intake):
    client, operator = intake
    created = client.post("/v1/programs", headers=operator, json={
        "name": "W", "formats": ["one_to_one"], "organizations": ["acme"]})
    assert created.status_code == 201
    response = client.put(f"/v1/programs/{created.json()['id']}", headers={
        **operator, "if-match": created.headers["etag"], "content-type": "application/json"},
        content=program_with('{"learning": NaN}'))
    refused(response, "body.matching_policy.weights")


def test_known_finite_weights_are_accepted_and_some_may_be_left_out(intake):
    client, operator = intake
    response = client.post("/v1/programs", headers={**operator, "content-type": "application/json"},
                           content=program_with(json.dumps({"learning": 100, "language": 0, "career_gap": 2.5})))
    assert response.status_code == 201, response.text
    assert response.json()["matching_policy"]["weights"] == {"learning": 100, "language": 0, "career_gap": 2.5}


def test_a_decline_reason_with_nul_is_a_422(matching):
    client, partner = matching
    response = client.post(f"/v1/matches/{uuid4()}/decline", headers=partner,
                           json={"reason": f"no{NUL}", "acting_as": "mentee"})
    refused(response, "body.reason")


@pytest.mark.parametrize("parameter", ["status"])
def test_a_match_list_filter_with_nul_is_a_4xx_not_a_500(matching, parameter):
    client, partner = matching
    response = client.get("/v1/matches", headers=partner, params={parameter: f"proposed{NUL}"})
    assert response.status_code in (400, 422), response.text
    assert f"query.{parameter}" in [error["field"] for error in response.json()["errors"]]
