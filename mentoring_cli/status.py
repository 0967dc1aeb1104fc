"""`mentoring status`: each service's readiness (for the writing services their followers;
for insights and webhooks their ingest, parked records and, for webhooks, deliveries and
disabled endpoints), the read side's consumer lag, and what waits in dead letters."""

from typing import Any

import httpx

from mentoring_cli.endpoints import service_url
from mentoring_cli.consumer_lag import READ_SIDE
from mentoring_cli.topics import SERVICES, depth
from shared.settings import Settings

# Every service a deployment runs, in the order status lists them.
STATUS_SERVICES = (*SERVICES, *READ_SIDE)


def readiness(service: str) -> dict[str, Any]:
    url = service_url(service)
    try:
        answer = httpx.get(f"{url}/readyz", timeout=5)
    except httpx.HTTPError as error:
        return {"service": service, "url": url, "ready": False, "checks": {"reachable": type(error).__name__}}
    try:
        body = answer.json()
    except ValueError:
        body = {"ready": False, "checks": {"readyz": f"HTTP {answer.status_code}, not JSON"}}
    return {"service": service, "url": url, "ready": bool(body.get("ready")), "checks": body.get("checks", {})}


async def dead_letter_depths(settings: Settings) -> dict[str, int | None]:
    return {topic: await depth(settings, topic)
            for topic in (f"{settings.topic_for(service)}.dlq" for service in SERVICES)}


def flatten(checks: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Nested readiness checks as `name: value` lines for a table cell."""
    lines: list[tuple[str, str]] = []
    for name, value in checks.items():
        if isinstance(value, dict):
            lines.extend(flatten(value, f"{prefix}{name}."))
        else:
            lines.append((f"{prefix}{name}", str(value)))
    return lines
