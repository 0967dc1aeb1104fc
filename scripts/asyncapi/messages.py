"""One message per event type, as the outbox relay sends it (shared/relay.py): the value a
CloudEvent in structured JSON, the key the id that keeps related events in order, the
`content-type` header; and the dead letter a consumer writes beside the topic instead."""

from typing import Any
from uuid import UUID

from scripts.asyncapi.examples import EXAMPLE_TIME, example_id, example_of
from scripts.asyncapi.schemas import SCHEMAS, data_schema_name
from shared.contracts.base import EventContract
from shared.envelope import CONTENT_TYPE, CloudEvent, event_id
from shared.topics import DLQ_CONSUMER, DLQ_ORIGIN, DLQ_REASON, EVERY_CONSUMER, REDRIVE_FOR

KAFKA_BINDING = "0.5.0"
# Which field of the contract the relay uses as the key, first present wins: the aggregate
# the event happened to (services/*/publishing.py, `PublicEvent.key`). A pending mentor
# enrolment is about the person, though it names a relationship too.
KEY_FIELDS = {
    "intake": ("request_id", "participant_id", "program_id"),
    "matching": ("request_id", "program_id"),
    "sessions": ("relationship_id",),
}
KEY_MEANINGS = {
    "relationship_id": "the relationship id: one relationship's events share a partition, in order",
    "request_id": (
        "the mentorship request id, which is also the relationship id: one "
        "relationship's events share a partition, in order"
    ),
    "participant_id": "the participant id: one person's events share a partition, in order",
    "program_id": "the program id: one program's events share a partition, in order",
}
REDRIVE_MEANING = (
    f"present only on a message sent again behind later ones: a dead letter redriven for the "
    f"consumer (group) it names, or a parked notification the relay retried (`{EVERY_CONSUMER}`, "
    f"every consumer). That consumer applies it once, tracked by the event's id; others skip it"
)


def key_field(contract: type[EventContract]) -> str:
    return next(name for name in KEY_FIELDS[contract.service] if name in contract.model_fields)


def headers_schema(dead_letter: bool = False) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "content-type": {"const": CONTENT_TYPE, "description": "CloudEvents structured mode"},
        REDRIVE_FOR: {"type": "string", "description": REDRIVE_MEANING},
    }
    required = ["content-type"]
    if dead_letter:
        properties.update(
            {
                DLQ_REASON: {
                    "type": "string",
                    "maxLength": 4000,
                    "description": "why the consumer could not decode or apply it",
                },
                DLQ_CONSUMER: {
                    "type": "string",
                    "description": "the consumer group that refused it",
                },
                DLQ_ORIGIN: {
                    "type": "string",
                    "pattern": r"^.+:[0-9]+:[0-9]+$",
                    "description": "where it was: `<topic>:<partition>:<offset>`",
                },
            }
        )
        required = [DLQ_CONSUMER, DLQ_ORIGIN, DLQ_REASON]  # the original's may be missing
    return {"type": "object", "properties": properties, "required": sorted(required)}


def example_event(type_name: str, contract: type[EventContract], schemas: dict[str, Any]) -> Any:
    data = contract.model_validate(example_of(schemas[data_schema_name(type_name)], schemas))
    fields = data.model_dump(mode="json")
    key = fields[key_field(contract)]
    relationship = fields.get("relationship_id") or fields.get("request_id")
    envelope = CloudEvent(
        id=event_id(UUID(example_id(key)), 1),
        source=f"/mentoring/{contract.service}",
        type=type_name,
        subject=key,
        time=EXAMPLE_TIME,
        dataschema=contract.json_schema()["$id"],
        tenant="acme",
        program=fields.get("program_id"),
        relationship=relationship,
        correlationid=example_id("correlation"),
        sequence="42",
        data=fields,
    )
    return envelope.model_dump(mode="json", exclude_none=True)


def event_message(type_name: str, contract: type[EventContract], schemas: dict[str, Any]) -> Any:
    key = key_field(contract)
    example = example_event(type_name, contract, schemas)
    message = {
        "name": contract.__name__,
        "title": type_name,
        "summary": f"{contract.__name__}, published by {contract.service}",
        "contentType": CONTENT_TYPE,
        "payload": {"$ref": SCHEMAS + type_name},
        "headers": headers_schema(),
        "correlationId": {"location": "$message.payload#/correlationid"},
        "bindings": {
            "kafka": {
                "bindingVersion": KAFKA_BINDING,
                "key": {
                    "type": "string",
                    "format": "uuid",
                    "description": f"`data.{key}`: {KEY_MEANINGS[key]}",
                },
            }
        },
        "examples": [
            {
                "name": contract.__name__,
                "headers": {"content-type": CONTENT_TYPE},
                "payload": example,
            }
        ],
    }
    if "description" in contract.model_json_schema():  # the contract's docstring
        message["description"] = contract.model_json_schema()["description"]
    return message


def dead_letter_message(service: str) -> Any:
    return {
        "name": f"{service}DeadLetter",
        "title": f"a dead letter of mentoring.{service}.v1",
        "summary": "a message a consumer could not decode or apply, byte for byte as it was",
        "description": (
            "The value, key and headers of the original message, plus the reason, the consumer "
            "and the origin. Usually one of the topic's CloudEvents; it may be bytes that never "
            "decoded, so the payload is not constrained. `mentoring dlq redrive` sends it back "
            f"to its topic with `{REDRIVE_FOR}` naming the consumer (docs/adr/0005)."
        ),
        "payload": {"description": "the original value, unchanged"},
        "headers": headers_schema(dead_letter=True),
        "bindings": {
            "kafka": {
                "bindingVersion": KAFKA_BINDING,
                "key": {"type": "string", "description": "the original key, unchanged"},
            }
        },
    }
