"""One timer tick over its due items: each item on its own, so one that fails never
blocks the others. An item that fails for a reason other than the infrastructure is
parked (follower `timer:<name>`) and left out of later ticks until an operator
retries or skips it; otherwise a broken relationship would be retried, and logged,
every few seconds forever."""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import asyncpg
from eventsourcing.persistence import IntegrityError

from shared.errors import DomainError
from shared.metrics import RECORDS_PARKED, TIMER_ITEMS
from shared.parking import park
from shared.transient import is_transient, reason_of

log = logging.getLogger(__name__)


async def for_each_due(pool: asyncpg.Pool, service: str, timer: str, items: Iterable[Any],
                       act: Callable[[Any], Awaitable[object]], address: Callable[[Any], str] = str,
                       concurrency: int = 1) -> int:
    """`concurrency` > 1 runs that many items at once: only for items that change
    aggregates of their own, so that two at once never contend."""
    follower = f"timer:{timer}"
    parked = {row["address"] for row in await pool.fetch(
        "SELECT address FROM parked_records WHERE follower = $1 AND state = 'parked'", follower)}
    slots = asyncio.Semaphore(concurrency)

    async def one(item: Any) -> bool:
        async with slots:
            return await _fire(pool, service, timer, follower, item, act, address)

    try:
        # A failure the infrastructure caused stops the tick (the supervisor retries it)
        # and cancels the items still running, as the sequential loop would have.
        async with asyncio.TaskGroup() as group:
            fired = [group.create_task(one(item)) for item in items if address(item) not in parked]
    except ExceptionGroup as failed:
        raise failed.exceptions[0] from None
    return sum(task.result() for task in fired)


async def _fire(pool: asyncpg.Pool, service: str, timer: str, follower: str, item: Any,
                act: Callable[[Any], Awaitable[object]], address: Callable[[Any], str]) -> bool:
    try:
        await act(item)
    except DomainError as refused:  # another replica got there first, or it is no longer due
        log.info("timer skipped", extra={"timer": timer, "item": address(item), "reason": refused.detail})
        TIMER_ITEMS.labels(service, timer, "skipped").inc()
        return False
    except IntegrityError:  # another writer (a replica, the other timer) saved that version first
        log.info("timer skipped", extra={"timer": timer, "item": address(item), "reason": "written meanwhile"})
        TIMER_ITEMS.labels(service, timer, "skipped").inc()
        return False
    except Exception as error:
        if is_transient(error):
            raise
        log.exception("timer item parked", extra={"timer": timer, "item": address(item)})
        async with pool.acquire() as connection:
            await park(connection, follower, address(item), reason_of(error))
        TIMER_ITEMS.labels(service, timer, "parked").inc()
        RECORDS_PARKED.labels(service, follower).inc()
        return False
    TIMER_ITEMS.labels(service, timer, "fired").inc()
    return True
