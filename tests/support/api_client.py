"""A small HTTP client for the services, acting as operator, partner or participant."""

import time
from datetime import UTC, datetime, timedelta
from collections.abc import Callable
from typing import Any, TypeVar
from uuid import UUID, uuid4

import httpx

from shared.http.auth import issue_token
from shared.settings import Settings

T = TypeVar("T")


def token(settings: Settings, tenant: str, role: str, participant_id: UUID | None = None) -> str:
    return issue_token(settings, f"{role}-{tenant}-{participant_id or ''}", tenant, [role], participant_id)


class Caller:
    def __init__(self, base_url: str, bearer: str) -> None:
        self.client = httpx.Client(base_url=base_url, headers={"authorization": f"Bearer {bearer}"}, timeout=30)

    def post(self, path: str, json: Any = None, key: str | None = None, **kwargs: Any) -> httpx.Response:
        headers = {"idempotency-key": key or uuid4().hex, **kwargs.pop("headers", {})}
        return self.client.post(path, json=json, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.get(path, **kwargs)

    def put(self, path: str, json: Any, **kwargs: Any) -> httpx.Response:
        return self.client.put(path, json=json, **kwargs)


def eventually(probe: Callable[[], T | None], timeout: float = 30, what: str = "condition") -> T:
    """Polls until `probe` returns something truthy: the services are eventually consistent."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = probe()
        if result:
            return result
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def starting_soon(seconds: float = 1.0) -> str:
    """A session start a moment from now: scheduled in the future, held once it has come."""
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat()


def once_started(act: Callable[[], httpx.Response], timeout: float = 30) -> httpx.Response:
    """Repeats an action refused only because the session's time has not come yet."""
    def attempt() -> httpx.Response | None:
        answer = act()
        if answer.status_code == 409 and answer.json().get("type", "").endswith("/session-not-started"):
            return None
        return answer

    return eventually(attempt, timeout, what="the session's start")


def profile(roles: str, offers: list[tuple[str, str]], wants: list[str], years: int, organization: str,
            **overrides: Any) -> dict[str, Any]:
    return {
        "roles": roles, "offers": [{"topic": t, "level": lvl} for t, lvl in offers], "wants": wants,
        "years_experience": years, "career_stage": "mid", "organization": organization, "department": "eng",
        "time_zone": "Europe/Paris", "meeting_modes": ["video"], "languages": ["en"], "capacity": 2,
        "availability": [{"weekday": 1, "start": "17:00", "end": "19:00"}], **overrides,
    }
