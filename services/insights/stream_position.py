"""Where a stream client stands: the last offset delivered in each topic partition.

The SSE `id` carries it, so `Last-Event-ID` resumes exactly: an event is delivered
when its offset is above its partition's entry (absent: nothing of that partition was
delivered yet). Kafka offsets, unlike insights' own ingest order, survive a rebuild of
insights' database. Written `intake/0:12,matching/2:7`: the service, not the topic, so
ids stay short and readable.
"""

import re
from dataclasses import dataclass, field

ENTRY = re.compile(r"^(intake|matching|sessions)/([0-9]{1,4}):([0-9]{1,19})$")
MAX_LENGTH = 2000
EMPTY = "-"


class InvalidPosition(ValueError):
    pass


@dataclass
class StreamPosition:
    offsets: dict[tuple[str, int], int] = field(default_factory=dict)

    def delivered(self, service: str, partition: int, offset: int) -> bool:
        return offset <= self.offsets.get((service, partition), -1)

    def advance(self, service: str, partition: int, offset: int) -> None:
        self.offsets[(service, partition)] = offset

    def encode(self) -> str:
        # "-" for nothing delivered yet: an empty id would clear the client's last id.
        return (
            ",".join(
                f"{service}/{partition}:{offset}"
                for (service, partition), offset in sorted(self.offsets.items())
            )
            or EMPTY
        )

    @classmethod
    def decode(cls, text: str) -> "StreamPosition":
        if len(text) > MAX_LENGTH:
            raise InvalidPosition("too long")
        position = cls()
        if text.strip() == EMPTY:
            return position
        for entry in text.split(","):
            match = ENTRY.match(entry.strip())
            if match is None:
                raise InvalidPosition(f"{entry!r} is not service/partition:offset")
            position.advance(match[1], int(match[2]), int(match[3]))
        return position
