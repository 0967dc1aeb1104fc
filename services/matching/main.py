"""Wires the matching service: `uvicorn --factory services.matching.main:create_app`."""

from fastapi import FastAPI

from shared.http.service_app import create_service_app
from shared.runtime import ConsumerSpec, ServiceRuntime
from shared.settings import Settings, get_settings
from services.matching import consumers, relationship_endings
from services.matching.api import capacity, matches, runs
from services.matching.application import MatchingApplication
from services.matching.documents import to_document
from services.matching.publishing import to_public
from services.matching.timers import matching_timers

DESCRIPTION = """Proposes mentor-mentee pairs, scored both ways and explained, and confirms a
pair only when both people accept. Whole-pool runs (and dry runs) per program."""


def build(settings: Settings) -> FastAPI:
    app = MatchingApplication(settings)
    runtime = ServiceRuntime(
        settings=settings, app=app, to_public=to_public, to_document=to_document,
        consumers=[
            ConsumerSpec("pool", [settings.topic_for("intake")], consumers.handlers(app), consumers.seats_read),
            # Relationships end in sessions; the seats they held are matching's to free.
            ConsumerSpec("endings", [settings.topic_for("sessions")], relationship_endings.handlers(app)),
        ],
    )
    runtime.timers = matching_timers(runtime, settings.timer_poll_seconds)
    return create_service_app(runtime, [matches.router, runs.router, capacity.router], DESCRIPTION)


def create_app() -> FastAPI:
    """The app from the environment's settings; a factory, so importing this module
    connects to nothing (tools and tests import it with the database away)."""
    return build(get_settings())
