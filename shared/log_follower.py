"""Follows a service's own notification log in order: the relay and the projector.

Woken by the store's LISTEN/NOTIFY channel, with a poll as backstop for a lost
notification. Only one process runs a given follower at a time (advisory lock),
so replicas can start freely and take over when the holder stops.

A notification the follower cannot handle (a bug, or data validation missed) is
parked with its reason and skipped, so one record never halts the log for every
tenant; failures of the database or the broker are not the record's fault and are
retried instead (see shared/transient.py).
"""

import asyncio
import logging
from abc import ABC, abstractmethod
from typing import Any

import asyncpg

from shared.eventstore import ServiceApplication, run_blocking
from shared.log_position import LogPosition
from shared.metrics import FOLLOWER_LAG, RECORDS_PARKED
from shared.parking import RETRIED, park, resolve
from shared.transient import is_transient, reason_of

log = logging.getLogger(__name__)


class LogFollower(ABC):
    def __init__(self, app: ServiceApplication, pool: asyncpg.Pool, name: str,
                 batch_size: int = 200, poll_seconds: float = 1.0, max_batch_size: int | None = None) -> None:
        self.app = app
        self.pool = pool
        self.position = LogPosition(pool, name)
        self.batch_size = batch_size
        # Behind, each full batch doubles the next up to this; caught up, back to batch_size.
        self.max_batch_size = max(max_batch_size or batch_size, batch_size)
        self._next_batch = batch_size
        self.poll_seconds = poll_seconds
        self.done_up_to = 0
        self.holding = False  # whether this process holds the follower's lock
        self.parked = 0
        self.failures = 0  # consecutive failures that were not the infrastructure's
        self._rewind_to: int | None = None
        self._wake = asyncio.Event()

    async def run(self) -> None:
        channel = self.app.recorder.channel_name
        async with self.position.exclusive() as connection:
            await connection.add_listener(channel, self._on_notify)
            try:
                self.done_up_to = await self.position.load(connection)
                self.holding = True
                log.info("following the log", extra={"follower": self.position.follower, "from": self.done_up_to})
                await self._follow(connection)
            except Exception as error:
                if not is_transient(error):
                    self.failures += 1
                raise
            finally:
                self.holding = False
                await connection.remove_listener(channel, self._on_notify)

    async def _follow(self, connection: asyncpg.Connection) -> None:
        while True:
            if self._rewind_to is not None:
                await self._rewind(connection, self._rewind_to)
                self._rewind_to = None
            # Cleared before reading, never after: a NOTIFY that arrives while the step
            # reads (its save committed after the read's snapshot) must wake the wait below.
            self._wake.clear()
            if await self.step(connection):
                continue
            try:
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
            except TimeoutError:
                pass

    async def step(self, connection: asyncpg.Connection) -> bool:
        """Handles the next batch; False when there was nothing new."""
        limit = self._next_batch
        notifications = await run_blocking(
            self.app.recorder.select_notifications, start=self.done_up_to + 1, limit=limit
        )
        self._next_batch = min(limit * 2, self.max_batch_size) if len(notifications) == limit else self.batch_size
        if not notifications:
            FOLLOWER_LAG.labels(self.app.service, self.position.follower).set(0)
            return False
        try:
            await self.handle(notifications, connection)
        except Exception as error:
            if is_transient(error):
                raise
            # Find the culprit: the rest of the batch is applied, the culprit parked.
            await self._one_by_one(notifications, connection)
        self.done_up_to = notifications[-1].id
        self.failures = 0
        return True

    async def _one_by_one(self, notifications: list[Any], connection: asyncpg.Connection) -> None:
        for notification in notifications:
            try:
                await self.handle([notification], connection)
            except Exception as error:
                if is_transient(error):
                    raise
                await self._park(notification.id, reason_of(error), connection)
            self.done_up_to = notification.id

    async def _park(self, notification_id: int, reason: str, connection: asyncpg.Connection) -> None:
        follower = self.position.follower
        log.error("record parked", extra={"follower": follower, "notification_id": notification_id, "reason": reason})
        async with connection.transaction():
            await park(connection, follower, str(notification_id), reason)
            await self.position.save(connection, notification_id)
        self.parked += 1
        RECORDS_PARKED.labels(self.app.service, follower).inc()

    async def retry_parked(self, notification_id: int) -> None:
        """Applies one parked notification again, alone; raises if it still fails.

        Any replica may do this: handling is idempotent per notification, and the
        follower's position is not moved (the notification is already behind it)."""
        notifications = await run_blocking(self.app.recorder.select_notifications, start=notification_id, limit=1)
        if not notifications or notifications[0].id != notification_id:
            raise LookupError(f"notification {notification_id} is not in the log")
        async with self.pool.acquire() as connection:
            await self.handle(notifications, connection, retrying=True)
            await resolve(connection, self.position.follower, str(notification_id), RETRIED)

    def request_rewind(self, to: int) -> None:
        """Go back to just after notification `to` (0: the start) at the next step; only
        the process holding the follower can, so callers check `holding` first."""
        self._rewind_to = max(to, 0)
        self._wake.set()

    async def _rewind(self, connection: asyncpg.Connection, to: int) -> None:
        async with connection.transaction():
            await self.on_rewind(connection, to)
            await self.position.save(connection, to)
        self.done_up_to = to
        log.warning("follower rewound", extra={"follower": self.position.follower, "to": to})

    async def on_rewind(self, connection: asyncpg.Connection, to: int) -> None:  # noqa: B027 (optional hook)
        """What else goes back with the position, in the same transaction."""

    def _on_notify(self, *_: Any) -> None:
        self._wake.set()

    async def lag(self) -> int:
        newest = await run_blocking(self.app.recorder.max_notification_id) or 0
        lag = max(newest - self.done_up_to, 0)
        FOLLOWER_LAG.labels(self.app.service, self.position.follower).set(lag)
        return lag

    @abstractmethod
    async def handle(self, notifications: list[Any], connection: asyncpg.Connection, retrying: bool = False) -> None:
        """Applies the batch and saves the position (only once the batch is safe).

        `retrying` is an operator's retry of one parked notification: apply it, but
        leave the position where it is."""
