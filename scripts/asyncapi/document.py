"""The whole AsyncAPI 3.0.0 document, as plain data with sorted keys."""

import json
import tomllib
from pathlib import Path
from typing import Any

from scripts.asyncapi import streams
from scripts.asyncapi.operations import kafka_operations
from scripts.asyncapi.schemas import component_schemas
from scripts.asyncapi.topics import (
    KAFKA_SERVER,
    NAMESPACE,
    channels_and_messages,
    kafka_server,
    namespace_parameter,
)
from shared.envelope import CONTENT_TYPE

ROOT = Path(__file__).resolve().parent.parent.parent
DESCRIPTION = """The public events of the mentoring programs backend: what intake, matching and
sessions publish to each other and to dashboards. Every value is a CloudEvent 1.0 in
structured JSON whose `data` is the contract named by `type` (`mentoring.<service>.<Event>.v<n>`;
a new version is a new type). No event carries contact data, notes, comments or reflections.

Generated from the code by `python -m scripts.export_asyncapi`; a test fails when it is stale."""


def version() -> str:
    return str(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"])


def asyncapi_document() -> dict[str, Any]:
    schemas = component_schemas()
    channels, messages = channels_and_messages(schemas)
    channels[streams.CHANNEL] = streams.stream_channel()
    messages[streams.MESSAGE] = streams.streamed_message()
    operations = kafka_operations()
    operations.update(streams.stream_operation())
    document = {
        "asyncapi": "3.0.0",
        "id": "urn:mentoring:events",
        "info": {
            "title": "Mentoring programs: public events",
            "version": version(),
            "description": DESCRIPTION,
        },
        "defaultContentType": CONTENT_TYPE,
        "servers": {KAFKA_SERVER: kafka_server(), streams.SERVER: streams.insights_server()},
        "channels": channels,
        "operations": operations,
        "components": {
            "schemas": schemas,
            "messages": messages,
            "parameters": {NAMESPACE: namespace_parameter()},
            "securitySchemes": {streams.SECURITY: streams.security_scheme()},
        },
    }
    return json.loads(json.dumps(document, sort_keys=True))
