"""Wires the sessions service: `uvicorn --factory services.sessions.main:create_app`."""

from fastapi import FastAPI

from shared.http.service_app import create_service_app
from shared.runtime import ConsumerSpec, ServiceRuntime
from shared.settings import Settings, get_settings
from services.sessions.api import forming, lifecycle, meetings, relationships
from services.sessions.application import SessionsApplication
from services.sessions.consumers import facts_read, handlers
from services.sessions.documents import to_document
from services.sessions.publishing import to_public
from services.sessions.timers import sessions_timers

DESCRIPTION = """A mentoring relationship from mutual agreement to close: the two-party
agreement, ground rules, sessions, check-ins, pause and close; and its whole timeline
across services, as of any moment."""


def build(settings: Settings) -> FastAPI:
    app = SessionsApplication(settings)
    runtime = ServiceRuntime(
        settings=settings, app=app, to_public=to_public, to_document=to_document,
        consumers=[ConsumerSpec("lifecycle", [settings.topic_for("intake"), settings.topic_for("matching")],
                                handlers(app), facts_read)],
    )
    runtime.timers = sessions_timers(runtime, settings.timer_poll_seconds)
    routers = [relationships.router, forming.router, meetings.router, lifecycle.router]
    return create_service_app(runtime, routers, DESCRIPTION)


def create_app() -> FastAPI:
    """The app from the environment's settings; a factory, so importing this module
    connects to nothing (tools and tests import it with the database away)."""
    return build(get_settings())
