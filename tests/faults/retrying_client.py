"""A client as a careful caller writes one: each command keeps its Idempotency-Key and
is sent again, with that same key, until an answer that is not a crash arrives."""

import time
from dataclasses import dataclass
from typing import Any

import httpx

from tests.support.api_client import Caller

RETRY_PAUSE = 0.2


@dataclass
class Outcome:
    status: int
    body: dict[str, Any]
    attempts: int


def is_transient(response: httpx.Response) -> bool:
    """A 5xx, or a key whose first attempt is still held: by a request now dead, until its lease ends."""
    if response.status_code >= 500:
        return True
    return response.status_code == 409 and "request-in-progress" in response.text


def send_until_answered(caller: Caller, path: str, body: dict[str, Any], key: str,
                        timeout: float = 45) -> Outcome:
    deadline = time.monotonic() + timeout
    attempts = 0
    while True:
        attempts += 1
        try:
            response = caller.post(path, body, key=key)
            if not is_transient(response):
                return Outcome(response.status_code, response.json(), attempts)
            last = f"{response.status_code} {response.text[:200]}"
        except httpx.TransportError as error:  # refused, reset or cut off mid-answer by the kill
            last = repr(error)
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} key {key} unanswered after {attempts} attempts: {last}")
        time.sleep(RETRY_PAUSE)
