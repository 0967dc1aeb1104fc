"""The time a route works with: the serving app's clock (its runtime's, made from its
settings), never a process-wide one, so two apps in one process each keep their own
CLOCK_OFFSET_SECONDS. Routes take `Now`; timers read `runtime.clock.now()`."""

from contextvars import ContextVar
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request

from shared.clock import REAL_CLOCK, Clock

# Pydantic validators (shared/http/validated.py) cannot be handed the runtime: FastAPI
# gives them no context. The request's clock is put here instead, by `use_app_clock`,
# which FastAPI solves before it validates the body. A server runs each request in its
# own task, whose context is a copy, so one request's clock never reaches another's;
# outside any request (a validator called directly) it is the real UTC clock.
serving_clock: ContextVar[Clock] = ContextVar("serving_clock", default=REAL_CLOCK)


def clock_of(request: Request) -> Clock:
    runtime = getattr(request.app.state, "runtime", None)
    if runtime is None:
        raise RuntimeError("this app has no runtime (app.state.runtime): its clock comes from the runtime's settings")
    clock: Clock = runtime.clock
    return clock


async def use_app_clock(request: Request) -> Clock:
    # Async on purpose: a sync dependency runs in a worker thread, in a copy of the
    # context, and the body's validation would not see what it set.
    clock = clock_of(request)
    serving_clock.set(clock)
    return clock


async def now_of(clock: Annotated[Clock, Depends(use_app_clock)]) -> datetime:
    return clock.now()


# One reading per request: every use in one request (cached by FastAPI) is the same moment.
Now = Annotated[datetime, Depends(now_of)]
# For a router whose bodies hold clock-checked values (EndDate, PlannedMoment).
APP_CLOCK = Depends(use_app_clock)
