"""Wires the webhooks service: `uvicorn --factory services.webhooks.main:create_app`."""

from fastapi import FastAPI

from services.webhooks.api import deliveries, endpoints
from services.webhooks.app import create_webhooks_app
from services.webhooks.runtime import WebhooksRuntime
from shared.settings import Settings, get_settings

DESCRIPTION = """Signed webhooks for partner organizations (Standard Webhooks): endpoints
receive the public events about their organization's people, relationships and programs
as CloudEvents, at least once, in order per relationship."""


def build(settings: Settings) -> FastAPI:
    runtime = WebhooksRuntime(settings)
    return create_webhooks_app(runtime, [endpoints.router, deliveries.router], DESCRIPTION)


def create_app() -> FastAPI:
    """The app from the environment's settings; a factory, so importing this module
    connects to nothing."""
    return build(get_settings())
