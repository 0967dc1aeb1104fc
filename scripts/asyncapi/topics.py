"""The Kafka side: the broker, each service's topic and its dead-letter topic beside it,
with the partitions and configuration the services create them with (defaults of
shared/settings.py; an operator may have configured existing topics otherwise)."""

from typing import Any

from scripts.asyncapi.messages import KAFKA_BINDING, dead_letter_message, event_message
from scripts.asyncapi.schemas import SERVICES, public_contracts
from shared.kafka_clients import topic_configs
from shared.settings import Settings
from shared.topics import dead_letter_topic

NAMESPACE = "namespace"
KAFKA_SERVER = "kafka"


def defaults() -> Settings:
    """The settings' defaults, whatever the environment says: the catalogue is the same on
    every machine."""
    return Settings.model_construct()


def address_of(service: str) -> str:
    return Settings.model_construct(topic_namespace="{" + NAMESPACE + "}").topic_for(service)


def kafka_server() -> dict[str, Any]:
    return {
        "host": "{bootstrapServers}",
        "protocol": "kafka",
        "title": "Kafka",
        "description": "One cluster; every service produces with idempotence and acks=all.",
        "variables": {
            "bootstrapServers": {
                "default": defaults().kafka_bootstrap_servers,
                "description": "KAFKA_BOOTSTRAP_SERVERS",
            }
        },
    }


def namespace_parameter() -> dict[str, Any]:
    return {
        "default": defaults().topic_namespace,
        "description": "TOPIC_NAMESPACE (tests use a namespace of their own)",
    }


def _configuration(topic: str) -> dict[str, Any]:
    """topic_configs' strings as the binding's types (retention.ms is an integer there)."""
    values = {"true": True, "false": False}
    return {
        name: values.get(value, int(value) if value.lstrip("-").isdigit() else value)
        for name, value in sorted(topic_configs(defaults(), topic).items())
    }


def _bindings(topic: str) -> dict[str, Any]:
    settings = defaults()
    return {
        "kafka": {
            "bindingVersion": KAFKA_BINDING,
            "partitions": settings.topic_partitions,
            "replicas": settings.topic_replication_factor,
            "topicConfiguration": _configuration(topic),
        }
    }


def channel_name(service: str, dead_letters: bool = False) -> str:
    return f"{service}.dlq" if dead_letters else service


def channels_and_messages(schemas: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    channels: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    contracts = public_contracts()
    for service in SERVICES:
        topic = address_of(service)
        own = {
            name: contract for name, contract in contracts.items() if contract.service == service
        }
        messages.update(
            {name: event_message(name, contract, schemas) for name, contract in own.items()}
        )
        messages[f"{service}.deadLetter"] = dead_letter_message(service)
        parameters = {NAMESPACE: {"$ref": f"#/components/parameters/{NAMESPACE}"}}
        channels[channel_name(service)] = {
            "address": topic,
            "title": f"public events of {service}",
            "description": (
                f"Everything {service} tells the other services, in the order it "
                "happened per key. Kept for ever by default: matching's pool and "
                "insights are rebuilt from offset 0."
            ),
            "parameters": parameters,
            "servers": [{"$ref": f"#/servers/{KAFKA_SERVER}"}],
            "messages": {name: {"$ref": f"#/components/messages/{name}"} for name in own},
            "bindings": _bindings(topic),
        }
        channels[channel_name(service, dead_letters=True)] = {
            "address": dead_letter_topic(topic),
            "title": f"dead letters of the {service} topic",
            "description": "What a consumer of the topic could not decode or apply, with why.",
            "parameters": parameters,
            "servers": [{"$ref": f"#/servers/{KAFKA_SERVER}"}],
            "messages": {"deadLetter": {"$ref": f"#/components/messages/{service}.deadLetter"}},
            "bindings": _bindings(dead_letter_topic(topic)),
        }
    return channels, messages
