"""Refuses a request whose credentials (400) or idempotency key (422, as every other
malformed key, see shared/http/idempotency.py) are not text.

Both headers are ASCII by their definitions (a bearer token is base64url, an
Idempotency-Key a printable string), and code downstream decodes them as text
or stores them; bytes that are not would otherwise surface as a 500.
"""

from starlette.types import ASGIApp, Receive, Scope, Send

from shared.http.problems import send_problem

GUARDED = {b"authorization": ("Authorization", 400), b"idempotency-key": ("Idempotency-Key", 422)}
REASON = "must be printable ASCII text"


def is_printable_ascii(value: bytes) -> bool:
    return all(0x20 <= byte <= 0x7E for byte in value)


class HeaderGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for name, value in scope.get("headers") or []:
                guarded = GUARDED.get(name.lower())
                if guarded is not None and not is_printable_ascii(value):
                    shown, status = guarded
                    field = f"header.{shown}"
                    await send_problem(send, status, "invalid-header", f"{field}: {REASON}",
                                       errors=[{"field": field, "reason": REASON}])
                    return
        await self.app(scope, receive, send)
