"""Kafka clients configured the one way every service uses them."""

import logging

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from shared.settings import Settings

log = logging.getLogger(__name__)


def idempotent_producer(settings: Settings) -> AIOKafkaProducer:
    # Idempotence implies acks=all and keeps per-partition order across retries.
    return AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        enable_idempotence=True,
        acks="all",
        linger_ms=5,
    )


def group_consumer(settings: Settings, group_id: str, topics: list[str]) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        *topics,
        bootstrap_servers=settings.kafka_bootstrap_servers,
        group_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
    )


def topic_configs(settings: Settings, topic: str) -> dict[str, str]:
    """Durability and retention for the topics we create; existing topics are left as
    an operator configured them."""
    retention = settings.dead_letter_retention_ms if topic.endswith(".dlq") else settings.topic_retention_ms
    return {"min.insync.replicas": str(settings.topic_min_insync_replicas), "retention.ms": str(retention),
            "unclean.leader.election.enable": "false"}


async def ensure_topics(settings: Settings, topics: list[str]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [
            NewTopic(name, num_partitions=settings.topic_partitions,
                     replication_factor=settings.topic_replication_factor, topic_configs=topic_configs(settings, name))
            for name in topics if name not in existing
        ]
        if missing:
            try:
                await admin.create_topics(missing)
            except TopicAlreadyExistsError:
                pass  # another service created it between our look and our create
    finally:
        await admin.close()
