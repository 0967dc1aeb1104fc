"""Topics we create carry the durability and retention the settings say: service
topics kept for ever (matching's pool is rebuilt from them), dead letters for 30 days."""

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from shared.kafka_clients import ensure_topics
from tests.support.servers import unique_topic

pytestmark = pytest.mark.integration


async def configs_of(settings, topic: str) -> dict[str, str]:  # noqa: ANN001
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        [response] = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
        [(_code, _message, _type, _name, entries)] = response.resources
        return {entry[0]: entry[1] for entry in entries}
    finally:
        await admin.close()


async def test_service_topics_are_kept_for_ever_and_dead_letters_for_a_month(server_settings):
    topic = unique_topic()
    await ensure_topics(server_settings, [topic, f"{topic}.dlq"])
    service, dead_letters = await configs_of(server_settings, topic), await configs_of(server_settings, f"{topic}.dlq")
    assert service["retention.ms"] == "-1"
    assert dead_letters["retention.ms"] == str(30 * 24 * 3600 * 1000)
    assert service["min.insync.replicas"] == str(server_settings.topic_min_insync_replicas)
    assert service["unclean.leader.election.enable"] == "false"
