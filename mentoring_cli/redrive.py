"""`mentoring dlq redrive`: a dead letter sent back to its topic after the cause was
fixed, marked for the one consumer that refused it. That consumer applies it once
(tracked by the event's id, so redriving twice is harmless); the consumers that
applied the original ignore it."""

from mentoring_cli.dead_letters import DeadLetter
from shared.envelope import CONTENT_TYPE
from shared.kafka_clients import idempotent_producer
from shared.settings import Settings
from shared.topics import REDRIVE_FOR


async def redrive(settings: Settings, letter: DeadLetter) -> str:
    topic = letter.origin.rsplit(":", 2)[0]
    if not topic or not letter.consumer:
        raise ValueError(f"{letter.address} does not say where it came from or who refused it")
    producer = idempotent_producer(settings)
    await producer.start()
    try:
        await producer.send_and_wait(topic, value=letter.value, key=letter.key,
                                     headers=[("content-type", CONTENT_TYPE.encode()),
                                              (REDRIVE_FOR, letter.consumer.encode())])
    finally:
        await producer.stop()
    return topic
