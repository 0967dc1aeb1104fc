"""Wires the intake service: `uvicorn --factory services.intake.main:create_app`."""

from fastapi import FastAPI

from shared.http.service_app import create_service_app
from shared.runtime import ConsumerSpec, ServiceRuntime
from shared.settings import Settings, get_settings
from services.intake.api import participants, programs, requests
from services.intake.application import IntakeApplication
from services.intake.consumers import handlers
from services.intake.documents import to_document
from services.intake.publishing import to_public

DESCRIPTION = """Programs, the people enrolled in them, and their mentorship requests.

Every write takes an `Idempotency-Key`; updates take `If-Match` with the ETag you read.
Errors are RFC 9457 `application/problem+json`."""


def build(settings: Settings) -> FastAPI:
    app = IntakeApplication(settings)
    runtime = ServiceRuntime(
        settings=settings, app=app, to_public=to_public, to_document=to_document,
        consumers=[ConsumerSpec("lifecycle", [settings.topic_for("matching"), settings.topic_for("sessions")],
                                handlers(app))],
    )
    return create_service_app(runtime, [programs.router, participants.router, requests.router], DESCRIPTION)


def create_app() -> FastAPI:
    """The app from the environment's settings; a factory, so importing this module
    connects to nothing (tools and tests import it with the database away)."""
    return build(get_settings())
