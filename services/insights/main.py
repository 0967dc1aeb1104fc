"""Wires the insights service: `uvicorn --factory services.insights.main:create_app`."""

from fastapi import FastAPI

from shared.read_side.app import create_read_side_app
from shared.settings import Settings, get_settings
from services.insights.api import health, page, programs, streams
from services.insights.health_book import NewBook
from services.insights.runtime import InsightsRuntime

DESCRIPTION = """Read-only views for internal dashboards, from the three public topics:
live event streams (Server-Sent Events, resumable), program health figures, and a
dashboard page at `/` that shows both."""


def build(settings: Settings, new_book: NewBook) -> FastAPI:
    runtime = InsightsRuntime(settings, new_book)
    app = create_read_side_app(
        runtime,
        [streams.router, health.router, programs.router, page.router],
        DESCRIPTION,
        own_metrics=runtime.gauges.exposition,
    )
    page.mount_page_files(app)
    return app


def create_app() -> FastAPI:
    """The app from the environment's settings; a factory, so importing this module
    connects to nothing."""
    from services.insights.health import HealthBook  # the fold; pure, imported when serving

    return build(get_settings(), HealthBook)
