"""One timer tick over its due items: each item on its own, so one that fails never
blocks the others. An item that fails for a reason other than the infrastructure is
parked (follower `timer:<name>`) and left out of later ticks until an operator
retries or skips it; otherwise a broken relationship would be retried, and logged,
every few seconds forever."""

import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import asyncpg

from shared.errors import DomainError
from shared.metrics import RECORDS_PARKED, TIMER_ITEMS
from shared.parking import park
from shared.transient import is_transient, reason_of

log = logging.getLogger(__name__)


async def for_each_due(pool: asyncpg.Pool, service: str, timer: str, items: Iterable[Any],
                       act: Callable[[Any], Awaitable[object]], address: Callable[[Any], str] = str) -> int:
    follower = f"timer:{timer}"
    parked = {row["address"] for row in await pool.fetch(
        "SELECT address FROM parked_records WHERE follower = $1 AND state = 'parked'", follower)}
    done = 0
    for item in items:
        if address(item) in parked:
            continue
        try:
            await act(item)
        except DomainError as refused:  # another replica got there first, or it is no longer due
            log.info("timer skipped", extra={"timer": timer, "item": address(item), "reason": refused.detail})
            TIMER_ITEMS.labels(service, timer, "skipped").inc()
            continue
        except Exception as error:
            if is_transient(error):
                raise
            log.exception("timer item parked", extra={"timer": timer, "item": address(item)})
            async with pool.acquire() as connection:
                await park(connection, follower, address(item), reason_of(error))
            TIMER_ITEMS.labels(service, timer, "parked").inc()
            RECORDS_PARKED.labels(service, follower).inc()
            continue
        TIMER_ITEMS.labels(service, timer, "fired").inc()
        done += 1
    return done
