"""Reads a whole topic from the beginning: every record the relay ever sent, copies included."""

import asyncio
import json
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaConsumer

from shared.settings import Settings


async def read_until(settings: Settings, topic: str, done: Callable[[list[dict[str, Any]]], bool],
                     timeout: float = 30) -> list[dict[str, Any]]:
    """Envelopes read until `done` holds of them, then to the end offsets of that moment,
    so copies the relay re-sent after a crash are counted too."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=settings.kafka_bootstrap_servers,
                                auto_offset_reset="earliest", enable_auto_commit=False, group_id=None)
    await consumer.start()
    envelopes: list[dict[str, Any]] = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    try:
        while not done(envelopes) and loop.time() < deadline:
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                envelopes.extend(json.loads(record.value) for record in batch)
        ends = await consumer.end_offsets(list(consumer.assignment()))
        while loop.time() < deadline and await behind(consumer, ends):
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                envelopes.extend(json.loads(record.value) for record in batch)
    finally:
        await consumer.stop()
    return envelopes


async def behind(consumer: AIOKafkaConsumer, ends: dict[Any, int]) -> bool:
    for partition, end in ends.items():
        if await consumer.position(partition) < end:
            return True
    return False
