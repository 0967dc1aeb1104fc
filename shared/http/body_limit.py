"""Refuses oversized bodies with 413 before the app sees any of them.

A declared Content-Length over the limit is refused at once. A body without one
(chunked) is read here, never more than the limit plus one chunk, and handed on
only when it fits: counting while the app reads would raise inside the framework's
body parsing, which answers that as its own 400.
"""

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
            await self._refuse(send)
            return
        first = await self._read_within_limit(receive)
        if first is None:
            await self._refuse(send)
            return
        await self.app(scope, replaying(first, receive), send)

    async def _read_within_limit(self, receive: Receive) -> Message | None:
        """The whole body as one message, or None when it is over the limit. A
        disconnect is passed on as it is, for the app to see."""
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return message
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > self.max_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

    async def _refuse(self, send: Send) -> None:
        await send_problem(send, 413, "payload-too-large", f"bodies are limited to {self.max_bytes} bytes")


def replaying(first: Message, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return first
        return await receive()

    return replay
