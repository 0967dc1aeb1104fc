"""How far the read-side services' consumer groups are behind on the public topics, as
Kafka sees them: each partition's end offset minus the group's committed one. Insights
and webhooks commit after storing (shared/read_side/ingest.py), so this counts the
records not yet in their databases, whichever replica holds the partition, and it is
known even while the service is down."""

from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from mentoring_cli.topics import partitions_of, service_topics
from shared.read_side.ingest import ingest_group
from shared.settings import Settings

READ_SIDE = ("insights", "webhooks")


async def read_side_lags(settings: Settings) -> dict[str, dict[str, int | None]]:
    """service -> topic -> records behind (None: the topic does not exist yet)."""
    ends = await _end_offsets(settings)
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        lags: dict[str, dict[str, int | None]] = {}
        for service in READ_SIDE:
            committed = await admin.list_consumer_group_offsets(ingest_group(settings, service))
            lags[service] = {topic: records_behind(partitions, committed) if partitions else None
                             for topic, partitions in ends.items()}
        return lags
    finally:
        await admin.close()


def records_behind(partitions: dict[TopicPartition, tuple[int, int]], committed: dict[TopicPartition, Any]) -> int:
    total = 0
    for tp, (start, end) in partitions.items():
        done = committed.get(tp)
        total += end - (done.offset if done is not None and done.offset >= 0 else start)
    return total


async def _end_offsets(settings: Settings) -> dict[str, dict[TopicPartition, tuple[int, int]]]:
    """topic -> partition -> (beginning, end): a group that never committed is behind by all."""
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers, group_id=None)
    await consumer.start()
    try:
        found: dict[str, dict[TopicPartition, tuple[int, int]]] = {}
        for topic in service_topics(settings):
            assigned = [TopicPartition(topic, p) for p in await partitions_of(settings, topic)]
            starts = await consumer.beginning_offsets(assigned) if assigned else {}
            ends = await consumer.end_offsets(assigned) if assigned else {}
            found[topic] = {tp: (starts[tp], ends[tp]) for tp in assigned}
        return found
    finally:
        await consumer.stop()
