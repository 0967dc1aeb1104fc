"""`mentoring dlq`: what consumers could not apply, with their reasons."""

from dataclasses import dataclass

from aiokafka import ConsumerRecord

from mentoring_cli.topics import read_to_end
from shared.settings import Settings
from shared.topics import DLQ_CONSUMER, DLQ_ORIGIN, DLQ_REASON


@dataclass(frozen=True)
class DeadLetter:
    topic: str
    partition: int
    offset: int
    reason: str
    consumer: str
    origin: str
    value: bytes
    key: bytes | None

    @property
    def address(self) -> str:
        return f"{self.topic}:{self.partition}:{self.offset}"


def from_record(record: ConsumerRecord) -> DeadLetter:
    headers = {name: value.decode(errors="replace") for name, value in record.headers or []}
    return DeadLetter(record.topic, record.partition, record.offset, headers.get(DLQ_REASON, ""),
                      headers.get(DLQ_CONSUMER, ""), headers.get(DLQ_ORIGIN, ""), record.value or b"",
                      record.key)


async def dead_letters(settings: Settings, topic: str) -> list[DeadLetter]:
    return [from_record(record) async for record in read_to_end(settings, topic)]
