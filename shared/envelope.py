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

    # The descriptions are the catalogue's (docs/asyncapi.yaml): what each attribute means here.
    specversion: Literal["1.0"] = "1.0"
    id: str = Field(description="stable per domain event (originator id and version): a re-send "
                    "has the same id, so a consumer recognises a duplicate")
    source: str = Field(description="the publishing service, `/mentoring/<service>`")
    type: str = Field(description="`mentoring.<service>.<Event>.v<n>`: names the contract of data")
    subject: str = Field(description="the id of the aggregate the event happened to")
    time: datetime = Field(description="when it happened, as the producer recorded it")
    datacontenttype: Literal["application/json"] = "application/json"
    dataschema: str = Field(description="the JSON Schema of `data` (docs/events/<type>.json)")
    tenant: str = Field(description="extension: the partner organization the event concerns, "
                        "`operator` for program-wide facts; dashboards are scoped by it")
    program: str | None = Field(None, description="extension: the program id, when there is one")
    relationship: str | None = Field(None, description=(
        "extension: the relationship id (= the mentorship request id), when there is one"))
    correlationid: str = Field(description="extension: the id of the request or run that led to it")
    causationid: str | None = Field(None, description="extension: the event that caused it")
    # CloudEvents' sequence extension is a string; ours is the producer's
    # notification id, so it orders events of one source.
    sequence: str = Field(pattern=r"^[0-9]+$", description=(
        "extension: the producer's notification id; grows within one source"))
    traceparent: str | None = Field(None, description="W3C trace context (distributed tracing)")
    data: dict[str, Any] = Field(description="the contract named by `type`")

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
