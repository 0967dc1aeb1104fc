"""The seam to the program-health fold (services/insights/health/): what insights needs
of it, and how stored events replay into a fresh one."""

import asyncio
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, Protocol

import asyncpg
import orjson


class HealthBook(Protocol):
    def apply(self, event: Mapping[str, Any]) -> None: ...
    def program(self, program_id: str, as_of: datetime | None = None) -> dict[str, Any]: ...
    def organization(self, organization: str, as_of: datetime | None = None) -> dict[str, Any]: ...
    def gauges(self) -> Iterable[tuple[str, dict[str, str], float]]: ...


NewBook = Callable[[], HealthBook]
REPLAY_PAGE = 5000


async def replayed(
    pool: asyncpg.Pool, new_book: NewBook, as_of: datetime | None = None, program: str | None = None
) -> HealthBook:
    """A book folded from the stored events in ingest order (up to as_of, of one program
    when given). The fold runs in a worker thread so streams keep flowing meanwhile."""
    book = new_book()
    after = 0
    while True:
        rows = await pool.fetch(
            """SELECT ingest_seq, body FROM events
               WHERE ingest_seq > $1 AND ($2::timestamptz IS NULL OR time <= $2)
                 AND ($3::text IS NULL OR program = $3)
               ORDER BY ingest_seq LIMIT $4""",
            after,
            as_of,
            program,
            REPLAY_PAGE,
        )
        if not rows:
            return book
        await asyncio.to_thread(apply_all, book, [row["body"] for row in rows])
        after = rows[-1]["ingest_seq"]


def apply_all(book: HealthBook, bodies: Iterable[str | bytes]) -> None:
    for body in bodies:
        book.apply(orjson.loads(body))
