"""Finishes the OpenAPI document FastAPI generates, for what routes cannot say alone.

Every operation answers problems the shared plumbing raises before any route runs
(400 header guard, 401 auth, 413 body limit, 422 validation, 503 database away), so
they are added here once rather than on each route; FastAPI's own 422 schema
(HTTPValidationError) is replaced by the ProblemDetails the handlers really send;
412 is kept only where If-Match is taken, and 428 only where it is required (PUT).
A 409 lists, as examples, each problem `type` the operation can answer (problem_docs);
the partner journey's operations carry a request and an answer as examples (contract_examples).
"""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from shared.http.contract_examples import document_examples
from shared.http.contract_headers import SECURITY_SCHEMES, document_headers
from shared.http.contract_links import document_links
from shared.http.problem_docs import FieldError, ProblemDetails, conflict_examples, problem_response_doc

EVERY_OPERATION = (400, 401, 413, 422, 503)
WRITES = {"post", "put", "patch", "delete"}
FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(title=app.title, version=app.version, description=app.description,
                                   routes=app.routes)
            app.openapi_schema = finish(document)
        return app.openapi_schema

    # FastAPI's documented way to replace its schema generator is assigning the method.
    app.openapi = openapi  # type: ignore[method-assign]


def finish(document: dict[str, Any]) -> dict[str, Any]:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in FASTAPI_VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    schemas.update(model_schemas(ProblemDetails, FieldError))
    document["components"]["securitySchemes"] = SECURITY_SCHEMES
    for path, method, operation in operations(document):
        document_problems(method, operation)
        if "409" in operation["responses"]:
            content = operation["responses"]["409"]["content"]
            for media in content.values():
                media["examples"] = conflict_examples(f"{method.upper()} {path}")
        document_headers(method, operation, schemas, write=method in WRITES)
        document_examples(operation)
    document_links(document)
    return document


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, operation) for path, item in document.get("paths", {}).items()
            for method, operation in item.items() if method in WRITES | {"get", "head", "options"}]


def document_problems(method: str, operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    wanted = {int(status) for status in responses if status.isdigit() and int(status) >= 400}
    wanted |= set(EVERY_OPERATION)
    if method in WRITES:
        wanted.add(409)  # a request with the same Idempotency-Key still in progress
    if_match = next((p for p in operation.get("parameters", []) if p["name"].lower() == "if-match"), None)
    if if_match is None:
        wanted -= {412, 428}
    else:
        wanted.add(412)
        if method == "put":
            if_match["required"] = True
            wanted.add(428)
        else:
            wanted.discard(428)
    for status in list(responses):
        if status.isdigit() and int(status) >= 400 and int(status) not in wanted:
            del responses[status]
    for status in sorted(wanted):
        responses[str(status)] = problem_response_doc(status)
    operation["responses"] = dict(sorted(responses.items()))


def model_schemas(*models: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for model in models:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        found.update(schema.pop("$defs", {}))
        found[model.__name__] = schema
    return found
