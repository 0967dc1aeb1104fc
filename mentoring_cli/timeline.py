"""`mentoring timeline`: a relationship's life across services, as of a moment, as a table."""

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import httpx

from mentoring_cli.endpoints import service_url
from shared.http.auth import issue_token
from shared.settings import Settings


def fetch_timeline(settings: Settings, relationship_id: UUID, as_of: datetime | None) -> dict[str, Any]:
    # A short-lived operator token minted here: the operator already holds the signing secret.
    token = issue_token(settings, "mentoring-cli", "ops", ["operator"], lifetime=timedelta(minutes=5))
    params = {"as_of": as_of.isoformat()} if as_of else {}
    answer = httpx.get(f"{service_url('sessions')}/v1/relationships/{relationship_id}/timeline",
                       params=params, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    if answer.status_code != 200:
        raise RuntimeError(f"sessions answered {answer.status_code}: {answer.text[:500]}")
    return answer.json()


def describe(attributes: dict[str, Any]) -> str:
    return ", ".join(f"{key}={value}" for key, value in attributes.items() if value not in (None, [], {}))
