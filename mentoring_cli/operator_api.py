"""Calls to a service's operator endpoints with a short-lived operator token minted
here: whoever runs the CLI already holds the deployment's signing secret."""

from datetime import timedelta
from typing import Any

import httpx

from mentoring_cli.endpoints import service_url
from shared.http.auth import issue_token
from shared.settings import Settings

SERVICES = ("intake", "matching", "sessions")


class ServiceRefused(RuntimeError):
    pass


def call(settings: Settings, service: str, method: str, path: str, **options: Any) -> Any:
    token = issue_token(settings, "mentoring-cli", "ops", ["operator"], lifetime=timedelta(minutes=5))
    answer = httpx.request(method, f"{service_url(service)}{path}", headers={"Authorization": f"Bearer {token}"},
                           timeout=30, **options)
    if answer.status_code >= 400:
        raise ServiceRefused(f"{service} answered {answer.status_code}: {answer.text[:500]}")
    return answer.json()
