"""Before a request, where the endpoint's host points now: a name registered as public
may be pointed at a private address later (the rule is endpoint_rules.resolved_problem).
Answers are kept briefly, so a delivery costs no DNS query each time."""

import asyncio
import socket
import time
from urllib.parse import urlsplit

from services.webhooks.endpoint_rules import resolved_problem

RESOLVED_FOR_SECONDS = 30.0


class HostCheck:
    def __init__(self, development: bool) -> None:
        self.development = development
        self.hosts: dict[str, tuple[float, str | None]] = {}  # host -> (until, refusal)

    async def refusal(self, url: str) -> str | None:
        host = urlsplit(url).hostname or ""
        until, refusal = self.hosts.get(host, (0.0, None))
        if time.monotonic() < until:
            return refusal
        refusal = await self._resolve(host)
        self.hosts[host] = (time.monotonic() + RESOLVED_FOR_SECONDS, refusal)
        return refusal

    async def _resolve(self, host: str) -> str | None:
        try:
            found = await asyncio.get_running_loop().getaddrinfo(
                host, None, type=socket.SOCK_STREAM
            )
        except OSError as error:
            return f"cannot resolve {host}: {error}"
        return resolved_problem(sorted({str(info[4][0]) for info in found}), self.development)
