"""Public events written straight onto a test namespace's sessions topic, in one
producer batch: a burst the ingest hands to the fan-out at once."""

import asyncio
from datetime import UTC, datetime
from uuid import uuid4

from aiokafka import AIOKafkaProducer

from shared.contracts.sessions import RelationshipPaused
from shared.envelope import CloudEvent


def paused(relationship: str, program: str, number: int) -> CloudEvent:
    contract = RelationshipPaused(relationship_id=relationship, program_id=program, by=uuid4())
    return CloudEvent(
        id=str(uuid4()),
        source="/mentoring/sessions",
        type=contract.cloudevent_type(),
        subject=relationship,
        time=datetime.now(UTC),
        tenant="acme",
        program=program,
        relationship=relationship,
        correlationid=uuid4().hex,
        sequence=str(number),
        dataschema="https://mentoring.example/events/burst.json",
        data=contract.model_dump(mode="json"),
    )


def send_burst(bootstrap: str, topic: str, values: list[bytes], key: bytes) -> None:
    async def send() -> None:
        producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap, linger_ms=200, max_batch_size=1 << 20
        )
        await producer.start()
        try:
            sent = [await producer.send(topic, value, key=key) for value in values]
            await asyncio.gather(*sent)
        finally:
            await producer.stop()

    asyncio.run(send())
