"""Wires the webhooks service: `uvicorn --factory services.webhooks.main:create_app`."""

from fastapi import FastAPI

from services.webhooks.api import deliveries, endpoints
from services.webhooks.runtime import WebhooksRuntime
from shared.http.openapi_document import install_openapi
from shared.read_side.app import create_read_side_app
from shared.settings import Settings, get_settings

DESCRIPTION = """Signed webhooks for partner organizations (Standard Webhooks): endpoints
receive the public events about their organization's people, relationships and programs
as CloudEvents, at least once, in order per relationship."""


def build(settings: Settings) -> FastAPI:
    runtime = WebhooksRuntime(settings)
    # Idempotency keys on its writes: registration answers a secret once, so a retried
    # registration must answer the same endpoint, not register a second.
    app = create_read_side_app(
        runtime, [endpoints.router, deliveries.router], DESCRIPTION, idempotent_writes=True
    )
    install_openapi(app)  # what partners generate clients from, as for the other services
    return app


def create_app() -> FastAPI:
    """The app from the environment's settings; a factory, so importing this module
    connects to nothing."""
    return build(get_settings())
