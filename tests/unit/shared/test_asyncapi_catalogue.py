"""docs/asyncapi.yaml: current, valid AsyncAPI 3.0.0, and true to the contracts."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator
from referencing import Registry
from referencing.jsonschema import DRAFT7

from scripts.asyncapi.examples import example_of
from scripts.asyncapi.messages import example_event, key_field
from scripts.asyncapi.schemas import data_schema_name, public_contracts
from scripts.export_asyncapi import DOCUMENT, rendered_document
from shared.envelope import CloudEvent

OFFICIAL_SCHEMA = Path(__file__).resolve().parents[2] / "fixtures" / "asyncapi" / "3.0.0.json"
DOCUMENT_URI = "urn:mentoring:asyncapi"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return yaml.safe_load(DOCUMENT.read_text())


@pytest.fixture(scope="module")
def official() -> Draft7Validator:
    return Draft7Validator(json.loads(OFFICIAL_SCHEMA.read_text()))


def validator_for(document: dict[str, Any], pointer: str) -> Draft7Validator:
    """Validates against a schema inside the document, its `#/components/...` references
    resolved in the document."""
    registry = Registry().with_resource(DOCUMENT_URI, DRAFT7.create_resource(document))
    return Draft7Validator(
        {"$ref": f"{DOCUMENT_URI}#{pointer}"},
        registry=registry,
        format_checker=Draft7Validator.FORMAT_CHECKER,
    )


def references(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if "$ref" in node else []
        return own + [ref for value in node.values() for ref in references(value)]
    if isinstance(node, list):
        return [ref for item in node for ref in references(item)]
    return []


def resolve(document: dict[str, Any], ref: str) -> Any:
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def test_docs_asyncapi_yaml_is_the_catalogue_the_code_defines():
    """Fails when a contract, topic or consumer changed without
    `python -m scripts.export_asyncapi`."""
    assert DOCUMENT.read_text() == rendered_document()


def test_the_catalogue_is_a_valid_asyncapi_3_0_0_document(document, official):
    assert document["asyncapi"] == "3.0.0"
    errors = [
        f"{list(error.absolute_path)}: {error.message}" for error in official.iter_errors(document)
    ]
    assert errors == []


def test_the_official_schema_refuses_what_asyncapi_3_does_not_allow(document, official):
    """The validation bites: 2.x's `publish` is no 3.0 action, and a channel has no `subscribe`."""
    broken = copy.deepcopy(document)
    broken["operations"]["intake.publishes"]["action"] = "publish"
    broken["channels"]["intake"]["subscribe"] = {}
    assert not official.is_valid(broken)


def test_every_reference_in_the_catalogue_resolves_inside_it(document):
    """The official schema does not follow references: an operation naming a message its
    channel lacks would pass it."""
    refs = references(document)
    assert refs
    for ref in refs:
        assert ref.startswith("#/"), ref
        resolve(document, ref)


def test_every_operation_sends_or_receives_only_messages_of_its_channel(document):
    for name, operation in document["operations"].items():
        channel = operation["channel"]["$ref"]
        for message in operation["messages"]:
            assert message["$ref"].startswith(channel + "/messages/"), name


@pytest.mark.parametrize("type_name", sorted(public_contracts()))
def test_every_event_type_is_a_message_on_its_services_topic(document, type_name):
    service = public_contracts()[type_name].service
    assert type_name in document["components"]["messages"]
    assert type_name in document["channels"][service]["messages"]
    assert document["channels"][service]["address"] == f"{{namespace}}.{service}.v1"


@pytest.mark.parametrize("type_name", sorted(public_contracts()))
def test_each_payload_accepts_the_envelope_the_relay_would_send(document, type_name):
    contract = public_contracts()[type_name]
    schemas = document["components"]["schemas"]
    data = contract.model_validate(example_of(schemas[data_schema_name(type_name)], schemas))
    event = CloudEvent.model_validate(example_event(type_name, contract, schemas))
    assert event.contract() == data
    wire = json.loads(event.to_bytes())
    errors = [
        error.message
        for error in validator_for(
            document, f"/components/messages/{type_name}/payload"
        ).iter_errors(wire)
    ]
    assert errors == []


@pytest.mark.parametrize("type_name", sorted(public_contracts()))
def test_each_payload_refuses_data_missing_a_required_field(document, type_name):
    contract = public_contracts()[type_name]
    wire = example_event(type_name, contract, document["components"]["schemas"])
    wire["data"].pop(min(contract.json_schema()["required"]))
    assert not validator_for(document, f"/components/messages/{type_name}/payload").is_valid(wire)


@pytest.mark.parametrize("type_name", sorted(public_contracts()))
def test_each_payload_refuses_an_envelope_of_another_type(document, type_name):
    contract = public_contracts()[type_name]
    wire = example_event(type_name, contract, document["components"]["schemas"])
    wire["type"] = "mentoring.intake.SomethingElse.v1"
    assert not validator_for(document, f"/components/messages/{type_name}/payload").is_valid(wire)


@pytest.mark.parametrize("type_name", sorted(public_contracts()))
def test_each_message_key_is_an_id_field_of_its_contract(document, type_name):
    contract = public_contracts()[type_name]
    key = document["components"]["messages"][type_name]["bindings"]["kafka"]["key"]
    assert key["format"] == "uuid"
    assert key["description"].startswith(f"`data.{key_field(contract)}`")
    assert contract.model_fields[key_field(contract)].annotation.__name__ == "UUID"


def test_the_messages_examples_are_valid_payloads_and_headers(document):
    for name, message in document["components"]["messages"].items():
        for example in message.get("examples", []):
            pointer = f"/components/messages/{name}"
            assert validator_for(document, pointer + "/payload").is_valid(example["payload"]), name
            assert validator_for(document, pointer + "/headers").is_valid(example["headers"]), name


def test_the_sse_stream_carries_every_event_type(document):
    streamed = document["components"]["messages"]["insights.streamedEvent"]["payload"]["oneOf"]
    assert sorted(ref["$ref"].rsplit("/", 1)[1] for ref in streamed) == sorted(public_contracts())
    query = document["operations"]["insights.streams-events"]["bindings"]["http"]["query"]
    assert set(query["properties"]) == {"organization", "program", "relationship", "since", "type"}
