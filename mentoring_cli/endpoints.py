"""Where each service answers, from the same variables deploy/env.sh sets."""

import os

DEFAULT_PORTS = {"intake": 8001, "matching": 8002, "sessions": 8003, "insights": 8004, "webhooks": 8005}


def service_url(service: str) -> str:
    explicit = os.environ.get(f"{service.upper()}_URL")
    if explicit:
        return explicit.rstrip("/")
    port = os.environ.get(f"{service.upper()}_PORT", str(DEFAULT_PORTS[service]))
    return f"http://127.0.0.1:{port}"
