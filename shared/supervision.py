"""Background work that restarts when it fails: every service's followers, consumers,
timers and ingests run under it, with one restart policy."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from shared.transient import is_transient

log = logging.getLogger(__name__)
RESTART_DELAY_SECONDS = 2.0


def supervised(name: str, run: Callable[[], Awaitable[None]]) -> "asyncio.Task[Any]":
    """A task running `run` for ever: an infrastructure failure is a warning, anything else
    is logged with its traceback; either way it starts again after a pause."""
    async def forever() -> None:
        while True:
            try:
                await run()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                if is_transient(error):
                    log.warning("background task interrupted; restarting", extra={"task": name, "error": repr(error)})
                else:
                    log.exception("background task failed; restarting", extra={"task": name})
                await asyncio.sleep(RESTART_DELAY_SECONDS)

    return asyncio.create_task(forever(), name=name)
