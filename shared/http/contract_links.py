"""OpenAPI links: from an answer to the operations a client (or a stateful fuzzer)
can call next with the ids it carries.

Derived from the paths rather than listed by hand: an answer with an `id` from
`/v1/things` or `/v1/things/{thing_id}` links to every operation under
`/v1/things/{thing_id}` (read, update, actions, history); a further path
parameter comes from the request body when it sent one of that name (a session
scheduled with its `session_id`). An answer carrying `<x>_id` links to the list
operations of this service filtered by `?<x>=` (a match's request -> its matches).
A list page (`items` of things with an `id`) links to the operations of its first
item (`$response.body#/items/0/id`: a JSON Pointer indexes arrays by position), the
way in for a client that did not create the thing itself: matching's matches and
sessions' relationships are made by events, not by a POST of theirs. A target that
takes `?acting_for=` (a partner or operator acting for one of the people) gets the
answer's first party, when the answer lists `parties`.
"""

import re
from typing import Any

PARAMETER = re.compile(r"\{(\w+)\}")
FIRST_PARTY = "parties/0/participant_id"


def document_links(document: dict[str, Any]) -> None:
    schemas = document.get("components", {}).get("schemas", {})
    targets = [(path, method, operation) for path, item in document["paths"].items()
               for method, operation in item.items()]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                if not status.startswith("2"):
                    continue
                properties = response_properties(response, schemas)
                links = {**item_links(path, method, operation, properties, targets, schemas),
                         **filter_links(properties, targets),
                         **first_item_links(path, method, response, targets, schemas)}
                if links:
                    response["links"] = links


def response_properties(response: dict[str, Any], schemas: dict[str, Any]) -> set[str]:
    ref = response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
    return set(schemas.get(ref.rsplit("/", 1)[-1], {}).get("properties", {}))


def item_links(path: str, method: str, operation: dict[str, Any], properties: set[str],
               targets: list[tuple[str, str, dict[str, Any]]], schemas: dict[str, Any]) -> dict[str, Any]:
    if "id" not in properties:
        return {}
    item = item_path(path, targets)
    if item is None:
        return {}
    item_parameter = PARAMETER.findall(item)[-1]
    sent = request_properties(operation, schemas)
    links: dict[str, Any] = {}
    for target_path, target_method, target in targets:
        if not (target_path == item or target_path.startswith(item + "/")):
            continue
        if (target_path, target_method) == (path, method):
            continue
        parameters = {item_parameter: "$response.body#/id"}
        for name in PARAMETER.findall(target_path):
            if name in parameters:
                continue
            if name in PARAMETER.findall(path):
                parameters[name] = f"$request.path.{name}"
            elif name in sent:
                parameters[name] = f"$request.body#/{name}"
            else:
                break
        else:
            parameters.update(acting_for(target, properties, "$response.body#/"))
            links[target["operationId"]] = {"operationId": target["operationId"], "parameters": parameters}
    return links


def acting_for(target: dict[str, Any], properties: set[str], pointer: str) -> dict[str, str]:
    takes = any(p["name"] == "acting_for" and p["in"] == "query" for p in target.get("parameters", []))
    return {"acting_for": pointer + FIRST_PARTY} if takes and "parties" in properties else {}


def item_path(path: str, targets: list[tuple[str, str, dict[str, Any]]]) -> str | None:
    """The path of the one resource an answer at `path` is about, if the API has one."""
    if path.endswith("}"):
        return path
    # An action on an item (/v1/relationships/{id}/sessions/{sid}/held) answers with the item
    # its first parameter names (the relationship).
    head = re.match(r"^(.*?\{\w+\})", path)
    if head:
        return head.group(1)
    children = {p for p, _, _ in targets if re.fullmatch(re.escape(path) + r"/\{\w+\}", p)}
    return children.pop() if len(children) == 1 else None


def request_properties(operation: dict[str, Any], schemas: dict[str, Any]) -> set[str]:
    schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    return set(schemas.get(schema.get("$ref", "").rsplit("/", 1)[-1], {}).get("properties", {}))


def filter_links(properties: set[str], targets: list[tuple[str, str, dict[str, Any]]]) -> dict[str, Any]:
    links: dict[str, Any] = {}
    for target_path, target_method, target in targets:
        if target_method != "get" or "{" in target_path:
            continue
        for parameter in target.get("parameters", []):
            field = f"{parameter['name']}_id"
            if parameter["in"] == "query" and field in properties:
                name = f"{target['operationId']}_by_{parameter['name']}"
                links[name] = {"operationId": target["operationId"],
                               "parameters": {parameter["name"]: f"$response.body#/{field}"}}
    return links


def first_item_links(path: str, method: str, response: dict[str, Any],
                     targets: list[tuple[str, str, dict[str, Any]]], schemas: dict[str, Any]) -> dict[str, Any]:
    properties = page_item_properties(response, schemas)
    if method != "get" or "{" in path or "id" not in properties:
        return {}
    item = item_path(path, targets)
    if item is None:
        return {}
    item_parameter = PARAMETER.findall(item)[-1]
    # Only the operations the item's id alone addresses (not a session inside a relationship).
    addressed = [target for target_path, _, target in targets
                 if (target_path == item or target_path.startswith(item + "/"))
                 and PARAMETER.findall(target_path) == [item_parameter]]
    return {target["operationId"]: {"operationId": target["operationId"], "parameters": {
        item_parameter: "$response.body#/items/0/id", **acting_for(target, properties, "$response.body#/items/0/")}}
        for target in addressed}


def page_item_properties(response: dict[str, Any], schemas: dict[str, Any]) -> set[str]:
    ref = response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
    items = schemas.get(ref.rsplit("/", 1)[-1], {}).get("properties", {}).get("items", {})
    item_ref = items.get("items", {}).get("$ref", "") if items.get("type") == "array" else ""
    return set(schemas.get(item_ref.rsplit("/", 1)[-1], {}).get("properties", {}))
