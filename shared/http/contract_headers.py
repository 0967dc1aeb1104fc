"""Headers and security every operation shares, as OpenAPI declares them.

Derived from the plumbing that handles them, so the document cannot forget one:
every write honours Idempotency-Key (shared/http/idempotency.py) and may answer a
replay; a resource with a `version` is sent with its ETag (shared/http/responses.py);
a 201 names what it created in Location.
"""

from typing import Any

from shared.http.idempotency import MAX_KEY_LENGTH

BEARER = "bearerAuth"
SECURITY_SCHEMES = {BEARER: {
    "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
    "description": "A JWT with claims sub, org (the partner organization), roles and, for a "
                   "participant, participant_id.",
}}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "description": "Send one per logical write: a retry with the same key returns the first answer "
                   "(with Idempotent-Replayed: true) and writes nothing new.",
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH,
               "pattern": f"^[ -~]{{1,{MAX_KEY_LENGTH}}}$"},
}
ETAG = {"description": "the resource's version, for If-Match", "schema": {"type": "string"}}
LOCATION = {"description": "the path of the resource created", "schema": {"type": "string"}}
REPLAYED = {"description": "true when this is the remembered answer to an earlier request with "
                          "the same Idempotency-Key", "schema": {"type": "string", "enum": ["true"]}}
IF_MATCH_DESCRIPTION = "the ETag you last read; a stale one is refused with 412"


def document_headers(method: str, operation: dict[str, Any], schemas: dict[str, Any], write: bool) -> None:
    operation["security"] = [{BEARER: []}]
    parameters = operation.setdefault("parameters", [])
    for parameter in parameters:
        if parameter["in"] == "header" and parameter["name"].lower() == "if-match":
            parameter["name"] = "If-Match"
            parameter["description"] = IF_MATCH_DESCRIPTION
    if write:
        parameters.append(dict(IDEMPOTENCY_KEY))
    if not parameters:
        del operation["parameters"]
    for status, response in operation["responses"].items():
        if not status.startswith("2"):
            continue
        headers = response.setdefault("headers", {})
        if is_versioned(response, schemas):
            headers["ETag"] = ETAG
        if status == "201":
            headers["Location"] = LOCATION
        if write:
            headers["Idempotent-Replayed"] = REPLAYED
        if not headers:
            del response["headers"]


def is_versioned(response: dict[str, Any], schemas: dict[str, Any]) -> bool:
    ref = response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
    schema = schemas.get(ref.rsplit("/", 1)[-1], {})
    return "version" in schema.get("properties", {}) or bool(schema.get("x-etag"))
