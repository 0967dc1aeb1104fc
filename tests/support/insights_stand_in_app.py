"""`uvicorn --factory tests.support.insights_stand_in_app:create_app`: the insights
service as it runs, with the counting stand-in in place of the health fold."""

from fastapi import FastAPI

from shared.settings import get_settings
from services.insights.main import build
from tests.support.health_stand_in import CountingHealthBook


def create_app() -> FastAPI:
    return build(get_settings(), CountingHealthBook)
