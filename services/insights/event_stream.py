"""One client's Server-Sent Events: history from the database from its position, then
live events from the fan-out, each with the position after it as its `id`.

The client subscribes before reading history, so nothing committed in between is
missed; what arrives both ways is recognised by its offset and sent once. Offsets
within a partition only grow, so a position says exactly what was delivered."""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg

from services.insights.fan_out import FanOut, Subscriber
from services.insights.stored_event import COLUMNS, StoredEvent
from services.insights.stream_filter import StreamFilter
from services.insights.stream_position import StreamPosition

PAGE = 500


@dataclass(frozen=True)
class StreamOptions:
    heartbeat_seconds: float
    retry_ms: int
    topics: dict[str, str]  # topic -> service


def sse_event(event: StoredEvent, position: StreamPosition) -> str:
    data = "".join(f"data: {line}\n" for line in event.body.splitlines() or [""])
    # No `event:` field: a browser's EventSource.onmessage sees every event (type is in data).
    return f"id: {position.encode()}\n{data}\n"


async def head_position(pool: asyncpg.Pool, topics: dict[str, str]) -> StreamPosition:
    """Everything stored so far counts as delivered: a stream without a start is live only."""
    position = StreamPosition()
    for row in await pool.fetch(
        'SELECT topic, partition, "offset" FROM positions WHERE topic = ANY($1)', list(topics)
    ):
        position.advance(topics[row["topic"]], row["partition"], row["offset"])
    return position


async def history_page(
    pool: asyncpg.Pool, position: StreamPosition, wanted: StreamFilter
) -> list[StoredEvent]:
    keys = list(position.offsets)
    where, arguments = wanted.sql(first_argument=4)
    rows = await pool.fetch(
        f"""SELECT {COLUMNS} FROM events e
            LEFT JOIN unnest($1::text[], $2::int[], $3::bigint[])
              AS c(service, partition, delivered)
              ON c.service = e.service AND c.partition = e.partition
            WHERE e."offset" > coalesce(c.delivered, -1) AND {where}
            ORDER BY e.ingest_seq LIMIT {PAGE}""",
        [service for service, _ in keys],
        [partition for _, partition in keys],
        [position.offsets[key] for key in keys],
        *arguments,
    )
    return [StoredEvent.from_row(row) for row in rows]


async def event_stream(
    pool: asyncpg.Pool,
    fan_out: FanOut,
    wanted: StreamFilter,
    start: StreamPosition | None,
    options: StreamOptions,
) -> AsyncIterator[str]:
    subscriber = fan_out.subscribe(wanted)
    try:
        position = start if start is not None else await head_position(pool, options.topics)
        # An id without data sets the client's last id without an event: a client cut off
        # before its first event still resumes from here.
        yield f"retry: {options.retry_ms}\nid: {position.encode()}\n\n"
        async for chunk in _catch_up(pool, subscriber, wanted, position):
            yield chunk
        async for chunk in _follow(subscriber, position, options):
            yield chunk
    finally:
        fan_out.unsubscribe(subscriber)


async def _catch_up(
    pool: asyncpg.Pool, subscriber: Subscriber, wanted: StreamFilter, position: StreamPosition
) -> AsyncIterator[str]:
    while True:
        page = await history_page(pool, position, wanted)
        if not page:
            if not subscriber.overflowed:
                return
            # Live events overflowed while history was sent: the database has them all.
            subscriber.start_over()
            continue
        yield _chunk(page, position)


async def _follow(
    subscriber: Subscriber, position: StreamPosition, options: StreamOptions
) -> AsyncIterator[str]:
    queue = subscriber.queue
    while not subscriber.overflowed:
        events = _drain(queue)
        if not events:
            waiting = asyncio.ensure_future(queue.get())
            done, _ = await asyncio.wait({waiting}, timeout=options.heartbeat_seconds)
            if not done:
                # Cancelled before it took an item (the loop has not run it since): none lost.
                waiting.cancel()
                yield ": heartbeat\n\n"
                continue
            events = [waiting.result(), *_drain(queue)]
        fresh = [e for e in events if not position.delivered(e.service, e.partition, e.offset)]
        if fresh:
            # One write for all that is queued: a busy stream costs a send per batch, not per event.
            yield _chunk(fresh, position)
    # Cut off: too far behind to keep buffering (what was queued is dropped, not sent).
    # The id is the last event delivered: where to resume from.
    yield f'id: {position.encode()}\nevent: cut-off\ndata: {{"reason": "client too slow"}}\n\n'


def _chunk(events: list[StoredEvent], position: StreamPosition) -> str:
    parts = []
    for event in events:
        position.advance(event.service, event.partition, event.offset)
        parts.append(sse_event(event, position))
    return "".join(parts)


def _drain(queue: "asyncio.Queue[StoredEvent]") -> list[StoredEvent]:
    events = []
    while not queue.empty():
        events.append(queue.get_nowait())
    return events
