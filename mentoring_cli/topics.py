"""Reading whole Kafka topics once, start to end, for operator commands (no consumer group)."""

from collections.abc import AsyncIterator

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from shared.settings import Settings

SERVICES = ("intake", "matching", "sessions")


def service_topics(settings: Settings) -> list[str]:
    return [settings.topic_for(service) for service in SERVICES]


def dead_letter_topics(settings: Settings) -> list[str]:
    return [f"{topic}.dlq" for topic in service_topics(settings)]


async def read_to_end(settings: Settings, topic: str) -> AsyncIterator[ConsumerRecord]:
    """Every record now on the topic, partition by partition; stops at the end offsets
    seen when it started, so a busy topic does not keep the command running."""
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers, group_id=None,
                                enable_auto_commit=False, isolation_level="read_committed",
                                auto_offset_reset="earliest")
    await consumer.start()
    try:
        assigned = [TopicPartition(topic, p) for p in await partitions_of(settings, topic)]
        if not assigned:
            return
        consumer.assign(assigned)
        ends = await consumer.end_offsets(assigned)
        # Explicit seeks: seek_to_beginning is lazy and may resolve after end_offsets
        # has already placed the position at the end.
        for tp, start in (await consumer.beginning_offsets(assigned)).items():
            consumer.seek(tp, start)
        remaining = {tp for tp in assigned if ends[tp] > await consumer.position(tp)}
        while remaining:
            batches = await consumer.getmany(*remaining, timeout_ms=1000)
            for tp, records in batches.items():
                for record in records:
                    if record.offset < ends[tp]:
                        yield record
                if await consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
    finally:
        await consumer.stop()


async def depth(settings: Settings, topic: str) -> int | None:
    """Records held on a topic (end minus beginning offsets), None if it does not exist."""
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers, group_id=None)
    await consumer.start()
    try:
        partitions = await partitions_of(settings, topic)
        if not partitions:
            return None
        assigned = [TopicPartition(topic, p) for p in partitions]
        ends = await consumer.end_offsets(assigned)
        starts = await consumer.beginning_offsets(assigned)
        return sum(ends[tp] - starts[tp] for tp in assigned)
    finally:
        await consumer.stop()


async def partitions_of(settings: Settings, topic: str) -> list[int]:
    """The topic's partition numbers; empty when the topic does not exist (yet)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        if topic not in await admin.list_topics():
            return []
        described = await admin.describe_topics([topic])
        return sorted(p["partition"] for p in described[0]["partitions"])
    finally:
        await admin.close()
