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
                assert list(response["content"]) == ["application/problem+json"], f"{name} {status}"
                assert response["content"]["application/problem+json"]["schema"] == PROBLEM_REF, \
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


def test_every_operation_needs_the_bearer_scheme(document):
    scheme = document["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"], scheme["bearerFormat"]) == ("http", "bearer", "JWT")
    for name, operation in operations(document):
        assert operation["security"] == [{"bearerAuth": []}], name
    assert not {"/healthz", "/readyz"} & set(document["paths"])


def test_writes_take_an_idempotency_key_and_say_when_they_replay(document):
    for name, operation in operations(document):
        headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
        write = name.split()[0] in {"POST", "PUT"}
        assert ("Idempotency-Key" in headers) == write, name
        for status, response in operation["responses"].items():
            if status.startswith("2"):
                assert ("Idempotent-Replayed" in response.get("headers", {})) == write, name


def test_creates_document_location_and_resources_their_etag(document):
    for name, operation in operations(document):
        if "201" in operation["responses"]:
            assert {"Location", "ETag"} <= set(operation["responses"]["201"]["headers"]), name
    read = next(op for name, op in operations(document)
                if name.startswith("GET") and name.endswith("_id}") and name.count("{") == 1)
    assert "ETag" in read["responses"]["200"]["headers"]


def links_of(document, method, path, status):
    return document["paths"][path][method]["responses"][status].get("links", {})


def test_links_lead_from_each_create_to_what_follows():
    intake, matching, sessions = (create().openapi() for create in APPS.values())
    requested = links_of(intake, "post", "/v1/requests", "201")
    assert requested["read_request"]["parameters"] == {
        "request_id": "$response.body#/id"}
    proposed = links_of(matching, "post", "/v1/matches", "201")
    assert proposed["accept"]["parameters"] == {"match_id": "$response.body#/id"}
    assert proposed["list_matches_by_request"]["parameters"] == {
        "request": "$response.body#/request_id"}
    relationship = links_of(sessions, "get", "/v1/relationships/{relationship_id}", "200")
    assert "propose_agreement" in relationship
    scheduled = links_of(sessions, "post", "/v1/relationships/{relationship_id}/sessions", "200")
    assert scheduled["held"]["parameters"] == {
        "relationship_id": "$response.body#/id", "session_id": "$request.body#/session_id",
        "acting_for": "$response.body#/parties/0/participant_id"}
    held = links_of(sessions, "post", "/v1/relationships/{relationship_id}/sessions/{session_id}/held", "200")
    assert held["close"]["parameters"] == {
        "relationship_id": "$response.body#/id", "acting_for": "$response.body#/parties/0/participant_id"}
