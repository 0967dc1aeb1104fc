"""The CloudEvents 1.0 envelope, structured JSON mode, as it travels on Kafka."""

from datetime import datetime
from typing import Any, Literal
from uuid import NAMESPACE_URL, UUID, uuid5

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.contracts.base import EventContract, contract_for

CONTENT_TYPE = "application/cloudevents+json"


class UndecodableMessage(ValueError):
    """The bytes are not a CloudEvent we understand; the reason says why."""


class CloudEvent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    specversion: Literal["1.0"] = "1.0"
    id: str
    source: str
    type: str
    subject: str
    time: datetime
    datacontenttype: Literal["application/json"] = "application/json"
    dataschema: str
    tenant: str
    program: str | None = None
    relationship: str | None = None
    correlationid: str
    causationid: str | None = None
    # CloudEvents' sequence extension is a string; ours is the producer's
    # notification id, so it orders events of one source.
    sequence: str = Field(pattern=r"^[0-9]+$")
    traceparent: str | None = None
    data: dict[str, Any]

    def to_bytes(self) -> bytes:
        return orjson.dumps(self.model_dump(mode="json", exclude_none=True))

    @property
    def sequence_number(self) -> int:
        return int(self.sequence)

    def contract(self) -> EventContract:
        """The typed payload; raises UndecodableMessage for unknown or invalid data."""
        contract_cls = contract_for(self.type)
        if contract_cls is None:
            raise UndecodableMessage(f"unknown event type {self.type!r}")
        try:
            return contract_cls.model_validate(self.data)
        except ValidationError as error:
            raise UndecodableMessage(f"{self.type} data invalid: {error}") from error


def event_id(originator_id: UUID, originator_version: int) -> str:
    """Stable across re-sends, so a consumer can recognise a duplicate."""
    return str(uuid5(NAMESPACE_URL, f"mentoring:{originator_id}:{originator_version}"))


def decode(raw: bytes | None) -> CloudEvent:
    if not raw:
        raise UndecodableMessage("empty message")
    try:
        return CloudEvent.model_validate_json(raw)
    except ValidationError as error:
        raise UndecodableMessage(f"not a valid CloudEvent: {error}") from error
