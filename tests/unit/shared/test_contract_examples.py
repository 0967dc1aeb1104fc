"""The partner journey's examples are in the documents, on one operation each, and every
one is valid against the schema it illustrates (a partner may paste it)."""

import copy
from typing import Any

import jsonschema
import pytest

from shared.http.contract_examples import EXAMPLES
from scripts.export_openapi import APPS

DOCUMENTS = {service: create().openapi() for service, create in APPS.items()}


def closed(schema: Any) -> Any:
    """The schema with every object closed to properties it does not name, so a misspelt
    field in an example fails too (views leave additionalProperties open)."""
    if isinstance(schema, dict):
        schema = {key: closed(value) for key, value in schema.items()}
        if "properties" in schema and "additionalProperties" not in schema:
            schema["additionalProperties"] = False
    elif isinstance(schema, list):
        schema = [closed(value) for value in schema]
    return schema


def validator_for(service: str, schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    # The document's components resolve the schema's $refs; the uuid, date and email formats are checked
    # (date-time would need rfc3339-validator, not installed: the schemas' patterns still apply).
    components = closed(copy.deepcopy(DOCUMENTS[service]["components"]))
    return jsonschema.Draft202012Validator({**schema, "components": components},
                                           format_checker=jsonschema.FormatChecker())


def operations_with_examples():
    found = []
    for service, document in DOCUMENTS.items():
        for path, item in document["paths"].items():
            for method, operation in item.items():
                if operation["operationId"] in EXAMPLES:
                    found.append((service, f"{method.upper()} {path}", operation))
    return found


def examples_of(operation):
    """(where, schema, value) for each example on the JSON request body and success answers."""
    media = [("request", operation.get("requestBody", {}).get("content", {}).get("application/json", {}))]
    media += [(status, response["content"]["application/json"]) for status, response in operation["responses"].items()
              if status.startswith("2")]
    return [(where, content["schema"], example["value"]) for where, content in media
            for example in content.get("examples", {}).values()]


def test_each_example_is_on_exactly_one_operation_of_the_documents():
    assert sorted(operation["operationId"] for _, _, operation in operations_with_examples()) == sorted(EXAMPLES)


@pytest.mark.parametrize("service, label, operation", operations_with_examples(),
                         ids=[label for _, label, _ in operations_with_examples()])
def test_the_examples_validate_against_their_schemas(service, label, operation):
    examples = examples_of(operation)
    wanted = {"request", "200", "201"} if EXAMPLES[operation["operationId"]]["request"] else {"200", "201"}
    assert {where for where, _, _ in examples} == wanted & ({"request"} | set(operation["responses"]))
    for where, schema, value in examples:
        validator = validator_for(service, schema)
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(value)]
        assert not errors, f"{label} {where}: {errors[:5]}"


def test_a_broken_example_would_be_caught():
    _, _, operation = next(found for found in operations_with_examples() if found[2]["operationId"] == "schedule")
    where, schema, value = next(example for example in examples_of(operation) if example[0] == "request")
    validator = validator_for("sessions", schema)
    assert validator.is_valid(value)
    assert not validator.is_valid({**value, "minutes": 5}), "below the schema's minimum of 10"
    assert not validator.is_valid({**value, "minuets": 45}), "a field the schema does not name"
