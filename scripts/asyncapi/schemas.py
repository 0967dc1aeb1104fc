"""JSON Schemas of the catalogue: each contract (docs/events/), the CloudEvent envelope, and
per event type the envelope carrying that contract, all under `components/schemas`.

Pydantic puts nested models under each schema's own `$defs`; inside one AsyncAPI document a
`#/$defs/...` reference would point at the document's root, so the nested models move to
`components/schemas` (one copy each) and the references follow them. `$id` is dropped from
the embedded copies, since it would change the base those references resolve against; the
envelope's `dataschema` keeps the URL."""

import json
from typing import Any

import shared.contracts.intake
import shared.contracts.matching
import shared.contracts.sessions  # noqa: F401
from shared.contracts.base import CONTRACTS, EventContract
from shared.envelope import CloudEvent

SERVICES = ("intake", "matching", "sessions")
ENVELOPE = "CloudEvent"
SCHEMAS = "#/components/schemas/"


def public_contracts() -> dict[str, type[EventContract]]:
    """type name -> contract, of the three services (tests register contracts of their own)."""
    return {
        name: contract
        for name, contract in sorted(CONTRACTS.items())
        if name.split(".")[1] in SERVICES
    }


def data_schema_name(type_name: str) -> str:
    return f"{type_name}.data"


def _moved(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: (SCHEMAS + value.removeprefix("#/$defs/") if key == "$ref" else _moved(value))
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_moved(item) for item in node]
    return node


def _add(schemas: dict[str, Any], name: str, schema: dict[str, Any]) -> None:
    if name in schemas and schemas[name] != schema:
        raise ValueError(f"two contracts define {name!r} differently: rename one of them")
    schemas[name] = schema


def event_schema(type_name: str, contract: type[EventContract]) -> dict[str, Any]:
    """The CloudEvent as it travels with this type: the envelope, `type` and `dataschema`
    fixed, `data` the contract."""
    return {
        "title": type_name,
        "allOf": [
            {"$ref": SCHEMAS + ENVELOPE},
            {
                "type": "object",
                "properties": {
                    "type": {"const": type_name},
                    "dataschema": {"const": contract.json_schema()["$id"]},
                    "data": {"$ref": SCHEMAS + data_schema_name(type_name)},
                },
            },
        ],
    }


def envelope_schema() -> dict[str, Any]:
    schema = CloudEvent.model_json_schema()
    schema["description"] = (
        "CloudEvents 1.0, structured JSON mode (the whole event is the "
        "message value); attributes left out when empty"
    )
    return schema


def component_schemas() -> dict[str, Any]:
    schemas: dict[str, Any] = {ENVELOPE: envelope_schema()}
    for type_name, contract in public_contracts().items():
        schema = _moved(contract.json_schema())
        for name, nested in schema.pop("$defs", {}).items():
            _add(schemas, name, nested)
        schema.pop("$id")
        _add(schemas, data_schema_name(type_name), schema)
        _add(schemas, type_name, event_schema(type_name, contract))
    return json.loads(json.dumps(schemas, sort_keys=True))
