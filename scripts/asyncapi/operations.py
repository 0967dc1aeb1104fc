"""Who sends and who receives on each topic: every service's relay sends its own events;
each consumer of a service (its ConsumerSpec in services/*/main.py) receives the events it
has handlers for and dead-letters what it cannot apply; insights ingests everything; the
operators' `mentoring dlq` reads dead letters and redrives them."""

from typing import Any

from scripts.asyncapi.messages import KAFKA_BINDING
from scripts.asyncapi.schemas import SERVICES, public_contracts
from scripts.asyncapi.topics import NAMESPACE, address_of, channel_name, defaults
from services.insights.ingest import Ingestion
from services.intake.main import build as intake
from services.matching.main import build as matching
from services.sessions.main import build as sessions
from shared.runtime import ServiceRuntime
from shared.settings import Settings

BUILDS = {"intake": intake, "matching": matching, "sessions": sessions}


def _runtime(service: str) -> ServiceRuntime:
    # Topics named by the channels' address, so a consumer's topics map to channels;
    # building the app connects to nothing.
    settings = Settings.model_construct(topic_namespace="{" + NAMESPACE + "}")
    runtime: ServiceRuntime = BUILDS[service](settings).state.runtime
    return runtime


def _channel(service: str, dead_letters: bool = False) -> dict[str, str]:
    return {"$ref": f"#/channels/{channel_name(service, dead_letters)}"}


def _messages(service: str, names: list[str], dead_letters: bool = False) -> list[dict[str, str]]:
    channel = channel_name(service, dead_letters)
    return [{"$ref": f"#/channels/{channel}/messages/{name}"} for name in sorted(names)]


def _group(group: str) -> dict[str, Any]:
    real = group.replace("{" + NAMESPACE + "}", defaults().topic_namespace)
    return {
        "kafka": {
            "bindingVersion": KAFKA_BINDING,
            "groupId": {
                "type": "string",
                "enum": [real],
                "description": "`<namespace>` first: TOPIC_NAMESPACE",
            },
        }
    }


def _every_event(service: str) -> list[str]:
    return [name for name, contract in public_contracts().items() if contract.service == service]


def publishing(service: str) -> dict[str, Any]:
    return {
        f"{service}.publishes": {
            "action": "send",
            "channel": _channel(service),
            "messages": _messages(service, _every_event(service)),
            "title": f"{service}: outbox relay publishes",
            "description": (
                "In the order of the service's notification log, after the transaction "
                "that recorded the event committed; a crash re-sends at most one batch "
                "(same event ids), so consumers must and do drop duplicates."
            ),
        }
    }


def consuming(service: str) -> dict[str, Any]:
    runtime = _runtime(service)
    topics = {address_of(other): other for other in SERVICES}
    operations: dict[str, Any] = {}
    for spec in runtime.consumers:
        group = runtime.consumer_group(spec)
        for topic in spec.topics:
            source = topics[topic]
            handled = [
                contract.cloudevent_type()
                for contract in spec.handlers
                if contract.service == source
            ]
            operations[f"{service}.{spec.name}.receives.{source}"] = {
                "action": "receive",
                "channel": _channel(source),
                "messages": _messages(source, handled),
                "title": f"{service}: {spec.name} consumer applies events of {source}",
                "description": (
                    "Each message applied exactly once (its effects and a tracking "
                    "record in one transaction); events without a handler are skipped."
                ),
                "bindings": _group(group),
            }
            operations[f"{service}.{spec.name}.dead-letters.{source}"] = {
                "action": "send",
                "channel": _channel(source, dead_letters=True),
                "messages": _messages(source, ["deadLetter"], dead_letters=True),
                "title": f"{service}: {spec.name} consumer dead-letters what it cannot apply",
                "bindings": _group(group),
            }
    return operations


def insights_ingesting() -> dict[str, Any]:
    settings = Settings.model_construct(topic_namespace="{" + NAMESPACE + "}")
    ingestion = Ingestion(settings, pool=None, fan_out=None)  # type: ignore[arg-type]  # names only
    return {
        f"insights.ingests.{source}": {
            "action": "receive",
            "channel": _channel(source),
            "messages": _messages(source, _every_event(source)),
            "title": f"insights stores every event of {source} for streams and health figures",
            "description": "One consumption for all stream clients; positions in its database.",
            "bindings": _group(ingestion.group),
        }
        for source in ingestion.topics.values()
    }


def operators() -> dict[str, Any]:
    operations: dict[str, Any] = {}
    for service in SERVICES:
        operations[f"operator.reads-dead-letters.{service}"] = {
            "action": "receive",
            "channel": _channel(service, dead_letters=True),
            "messages": _messages(service, ["deadLetter"], dead_letters=True),
            "title": "`mentoring dlq list | show` reads dead letters with their reasons",
        }
        operations[f"operator.redrives.{service}"] = {
            "action": "send",
            "channel": _channel(service),
            "messages": _messages(service, _every_event(service)),
            "title": "`mentoring dlq redrive` resends a dead letter for the consumer that refused",
            "description": "With the `mentoring-redrive-for` header naming that consumer group.",
        }
    return operations


def kafka_operations() -> dict[str, Any]:
    operations: dict[str, Any] = {}
    for service in SERVICES:
        operations.update(publishing(service))
        operations.update(consuming(service))
    operations.update(insights_ingesting())
    operations.update(operators())
    return operations
