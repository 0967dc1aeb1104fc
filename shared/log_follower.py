"""Follows a service's own notification log in order: the relay and the projector.

Woken by the store's LISTEN/NOTIFY channel, with a poll as backstop for a lost
notification. Only one process runs a given follower at a time (advisory lock),
so replicas can start freely and take over when the holder stops.
"""

import asyncio
import logging
from abc import ABC, abstractmethod
from typing import Any

import asyncpg

from shared.eventstore import ServiceApplication, run_blocking
from shared.log_position import LogPosition

log = logging.getLogger(__name__)


class LogFollower(ABC):
    def __init__(self, app: ServiceApplication, pool: asyncpg.Pool, name: str,
                 batch_size: int = 200, poll_seconds: float = 1.0) -> None:
        self.app = app
        self.pool = pool
        self.position = LogPosition(pool, name)
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.done_up_to = 0
        self._wake = asyncio.Event()

    async def run(self) -> None:
        channel = self.app.recorder.channel_name
        async with self.position.exclusive() as connection:
            await connection.add_listener(channel, self._on_notify)
            try:
                self.done_up_to = await self.position.load(connection)
                log.info("following the log", extra={"follower": self.position.follower, "from": self.done_up_to})
                await self._follow(connection)
            finally:
                await connection.remove_listener(channel, self._on_notify)

    async def _follow(self, connection: asyncpg.Connection) -> None:
        while True:
            if await self.step(connection):
                continue
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
            except TimeoutError:
                pass

    async def step(self, connection: asyncpg.Connection) -> bool:
        """Handles the next batch; False when there was nothing new."""
        notifications = await run_blocking(
            self.app.recorder.select_notifications, start=self.done_up_to + 1, limit=self.batch_size
        )
        if not notifications:
            return False
        await self.handle(notifications, connection)
        self.done_up_to = notifications[-1].id
        return True

    def _on_notify(self, *_: Any) -> None:
        self._wake.set()

    async def lag(self) -> int:
        newest = await run_blocking(self.app.recorder.max_notification_id) or 0
        return newest - self.done_up_to

    @abstractmethod
    async def handle(self, notifications: list[Any], connection: asyncpg.Connection) -> None:
        """Applies the batch and saves the position (only once the batch is safe)."""
