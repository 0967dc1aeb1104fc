"""Refuses oversized bodies with 413 before anything reads them into memory."""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.http.problems import send_problem


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await send_problem(send, 413, "payload-too-large", f"bodies are limited to {self.max_bytes} bytes")
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise BodyTooLarge
            return message

        try:
            await self.app(scope, counting_receive, send)
        except BodyTooLarge:
            await send_problem(send, 413, "payload-too-large", f"bodies are limited to {self.max_bytes} bytes")


class BodyTooLarge(Exception):
    pass
