"""The clock is made from one Settings object and held by the runtime (issue 13):
two clocks, runtimes or apps in one process with different CLOCK_OFFSET_SECONDS tell
different times, and none of them reads the process's environment."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel

from shared.clock import REAL_CLOCK, Clock
from shared.http.now import APP_CLOCK, Now
from shared.http.validated import PlannedMoment, within_bound_ahead
from shared.read_side.runtime import ReadSideRuntime
from shared.runtime import ServiceRuntime
from shared.settings import Settings, get_settings

DAY = 24 * 3600
# Generous for a noisy machine: two readings of one clock are never this far apart.
SLACK = timedelta(minutes=5)


@pytest.fixture
def environment_a_year_behind(monkeypatch):
    """The process-wide settings say something else again: whoever still reads them is caught."""
    monkeypatch.setenv("CLOCK_OFFSET_SECONDS", str(-365 * DAY))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()  # monkeypatch then restores the environment the next reading sees


class QuietReadSide(ReadSideRuntime):
    service = "quiet"

    async def ingest(self, pool):  # noqa: ANN001, ANN201
        raise AssertionError("never started here")


class Planned(BaseModel):
    starts_at: PlannedMoment


def app_with_offset(offset_seconds: float) -> FastAPI:
    app = FastAPI()
    app.state.runtime = QuietReadSide(Settings(clock_offset_seconds=offset_seconds))

    @app.get("/now")
    async def read_now(now: Now) -> dict[str, str]:
        return {"now": now.isoformat()}

    @app.post("/planned", dependencies=[APP_CLOCK])
    async def plan(body: Planned) -> dict[str, str]:
        return {"starts_at": body.starts_at.isoformat()}

    return app


def near(moment: datetime, expected: datetime) -> bool:
    return expected - SLACK <= moment <= expected + SLACK


def test_two_clocks_made_from_settings_with_different_offsets_tell_different_times():
    behind, ahead = Clock.from_settings(Settings()), Clock.from_settings(Settings(clock_offset_seconds=DAY))
    assert near(ahead.now(), behind.now() + timedelta(days=1))
    assert near(REAL_CLOCK.now(), datetime.now(UTC))


def test_each_runtime_holds_a_clock_made_from_its_own_settings(environment_a_year_behind):
    service = ServiceRuntime(settings=Settings(clock_offset_seconds=DAY), app=SimpleNamespace(service="intake"),
                             to_public=None, to_document=None)  # type: ignore[arg-type]
    read_side = QuietReadSide(Settings(clock_offset_seconds=2 * DAY))
    assert service.clock == Clock(timedelta(days=1))
    assert read_side.clock == Clock(timedelta(days=2))


def test_a_routes_now_follows_its_apps_settings_not_the_process_environment(environment_a_year_behind):
    with TestClient(app_with_offset(0)) as on_time, TestClient(app_with_offset(DAY)) as a_day_ahead:
        read = [datetime.fromisoformat(client.get("/now").json()["now"]) for client in (on_time, a_day_ahead)]
    assert near(read[0], datetime.now(UTC))
    assert near(read[1], datetime.now(UTC) + timedelta(days=1))


def test_a_validated_moment_is_bounded_by_the_serving_apps_clock(environment_a_year_behind):
    # Just past the bound for an app on time, within it for an app a day ahead.
    moment = datetime.now(UTC) + timedelta(days=365 * 5 + 1, hours=12)
    with TestClient(app_with_offset(0)) as on_time, TestClient(app_with_offset(DAY)) as a_day_ahead:
        refused = on_time.post("/planned", json={"starts_at": moment.isoformat()})
        accepted = a_day_ahead.post("/planned", json={"starts_at": moment.isoformat()})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "starts_at"]
    assert accepted.status_code == 200


def test_a_validator_outside_any_request_reads_the_real_clock_not_the_environment(environment_a_year_behind):
    # A year behind (the environment's offset) would put this past the bound.
    moment = datetime.now(UTC) + timedelta(days=365 * 5 - 30)
    assert within_bound_ahead(moment) == moment

