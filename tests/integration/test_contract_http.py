"""The services answer as their OpenAPI documents say: headers a generated client
relies on are really sent."""

import pytest

from services.intake.main import build
from tests.integration.conftest import service_client

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
