"""What a partner's client generator reads: each service's OpenAPI document, built
without servers (`create_app()` connects to nothing)."""

import pytest

from services.intake.main import create_app as intake_app
from services.matching.main import create_app as matching_app
from services.sessions.main import create_app as sessions_app

APPS = {"intake": intake_app, "matching": matching_app, "sessions": sessions_app}
PROBLEM_REF = {"$ref": "#/components/schemas/ProblemDetails"}


@pytest.fixture(scope="module", params=list(APPS))
def document(request):
    return APPS[request.param]().openapi()


def operations(document):
    return [(f"{method.upper()} {path}", operation) for path, item in document["paths"].items()
            for method, operation in item.items()]


def test_every_success_response_has_a_schema(document):
    for name, operation in operations(document):
        successes = {status: r for status, r in operation["responses"].items() if status.startswith("2")}
        assert successes, name
        for response in successes.values():
            schema = response["content"]["application/json"]["schema"]
            assert schema not in ({}, None), name


def test_every_problem_is_a_problem_details_in_problem_json(document):
    for name, operation in operations(document):
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                assert response["content"] == {"application/problem+json": {"schema": PROBLEM_REF}}, \
                    f"{name} {status}"


def test_validation_failures_are_problems_not_fastapi_validation_errors(document):
    assert "HTTPValidationError" not in document["components"]["schemas"]
    for name, operation in operations(document):
        assert "422" in operation["responses"], name


def test_a_401_documents_www_authenticate_and_a_503_retry_after(document):
    for name, operation in operations(document):
        assert "WWW-Authenticate" in operation["responses"]["401"]["headers"], name
        assert "Retry-After" in operation["responses"]["503"]["headers"], name


def test_412_only_where_if_match_is_taken_and_428_only_where_it_is_required(document):
    for name, operation in operations(document):
        if_match = [p for p in operation.get("parameters", []) if p["name"].lower() == "if-match"]
        assert ("412" in operation["responses"]) == bool(if_match), name
        assert ("428" in operation["responses"]) == bool(if_match and if_match[0]["required"]), name


def test_the_problem_model_carries_the_field_errors_and_correlation_id(document):
    problem = document["components"]["schemas"]["ProblemDetails"]
    assert {"type", "title", "status", "detail"} <= set(problem["required"])
    assert {"errors", "correlation_id", "instance"} <= set(problem["properties"])
