"""Insights' Server-Sent Events stream (services/insights/api/streams.py): the same
CloudEvents as on the topics, over HTTP to dashboards. Its query parameters are read from
the insights app's own OpenAPI, so the catalogue cannot drift from the route."""

from typing import Any

from scripts.asyncapi.schemas import SCHEMAS, public_contracts
from scripts.asyncapi.topics import defaults
from services.insights.health import HealthBook
from services.insights.main import build

PATH = "/v1/streams/events"
SERVER = "insights"
CHANNEL = "insights.streams.events"
MESSAGE = "insights.streamedEvent"
SECURITY = "bearerToken"


def _query() -> dict[str, Any]:
    route = build(defaults(), HealthBook).openapi()["paths"][PATH]["get"]
    properties = {
        parameter["name"]: parameter["schema"]
        for parameter in route["parameters"]
        if parameter["in"] == "query"
    }
    return {
        "type": "object",
        "properties": dict(sorted(properties.items())),
        "additionalProperties": False,
    }


def insights_server() -> dict[str, Any]:
    return {
        "host": "{insightsHost}",
        "protocol": "http",
        "title": "insights",
        "description": "The read-only service for internal dashboards.",
        "variables": {
            "insightsHost": {"default": "127.0.0.1:8004", "description": "INSIGHTS_PORT"}
        },
        "security": [{"$ref": f"#/components/securitySchemes/{SECURITY}"}],
    }


def security_scheme() -> dict[str, Any]:
    return {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": (
            "A `dashboard` token (claims `org` and `roles`) sees only events about its "
            "organization's people, relationships and programs; an `operator` token sees all."
        ),
    }


def stream_channel() -> dict[str, Any]:
    return {
        "address": PATH,
        "title": "live event stream (text/event-stream)",
        "description": (
            "`GET` with `Accept: text/event-stream`. Each SSE event's `data:` is one CloudEvent "
            "exactly as on its topic; there is no `event:` field. Its `id:` lists the offsets "
            "delivered per topic partition (`intake/0:12,matching/2:7`): reconnecting with "
            "`Last-Event-ID` resumes with nothing lost or repeated, across restarts of insights. "
            f"The stream opens with `retry: {defaults().stream_retry_ms}` (STREAM_RETRY_MS) and "
            "the position; comment lines keep an idle stream open (STREAM_HEARTBEAT_SECONDS). "
            "A client that falls too far behind (STREAM_CLIENT_QUEUE) is cut off and resumes "
            "with its last id. `since` (RFC 3339) starts from history; `type` repeats and a "
            "value ending in `.` is a prefix."
        ),
        "servers": [{"$ref": f"#/servers/{SERVER}"}],
        "messages": {"streamedEvent": {"$ref": f"#/components/messages/{MESSAGE}"}},
    }


def streamed_message() -> dict[str, Any]:
    return {
        "name": "streamedEvent",
        "title": "one public event as an SSE event",
        "contentType": "application/cloudevents+json",
        "payload": {"oneOf": [{"$ref": SCHEMAS + name} for name in public_contracts()]},
        "bindings": {
            "http": {
                "bindingVersion": "0.3.0",
                "headers": {
                    "type": "object",
                    "properties": {"Content-Type": {"const": "text/event-stream"}},
                },
            }
        },
    }


def stream_operation() -> dict[str, Any]:
    return {
        "insights.streams-events": {
            "action": "send",
            "channel": {"$ref": f"#/channels/{CHANNEL}"},
            "messages": [{"$ref": f"#/channels/{CHANNEL}/messages/streamedEvent"}],
            "title": "insights streams the events a dashboard may see",
            "security": [{"$ref": f"#/components/securitySchemes/{SECURITY}"}],
            "bindings": {"http": {"bindingVersion": "0.3.0", "method": "GET", "query": _query()}},
        }
    }
