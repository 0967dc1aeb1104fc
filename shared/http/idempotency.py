"""Idempotency-Key on writes: a retry gets the first answer and writes nothing new.

The key is scoped to the caller (tenant and subject) and bound to a fingerprint of
the request; reusing a key for a different request is refused. A key whose first
request is still running answers 409, so two racing retries never both execute.
"""

import hashlib
import json
from typing import Any

import asyncpg
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.http.auth import principal_from_token
from shared.http.problems import Problem, send_problem
from shared.settings import Settings

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS idempotency_keys (
    scope text NOT NULL,
    key text NOT NULL,
    fingerprint text NOT NULL,
    status int,
    headers jsonb,
    body bytea,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
)
"""
REPLAYED_HEADERS = {"content-type", "etag", "location"}


async def create_idempotency_table(pool: asyncpg.Pool) -> None:
    await pool.execute(CREATE_TABLE)


async def forget_old_keys(pool: asyncpg.Pool, ttl_hours: float) -> int:
    """Keys are kept long enough for any sane retry, not forever."""
    status = await pool.execute(
        "DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => $1)", ttl_hours * 3600)
    return int(status.split()[-1])


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings, pool_of: Any) -> None:
        self.app = app
        self.settings = settings
        self.pool_of = pool_of  # resolved per request: the pool exists only after startup

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers") or [])
        key = headers.get(b"idempotency-key")
        if scope["type"] != "http" or scope["method"] not in WRITE_METHODS or key is None:
            await self.app(scope, receive, send)
            return
        body, receive = await buffered(receive)
        try:
            key_text = key.decode()
            if not 1 <= len(key_text) <= 200:
                raise Problem(422, "validation-failed", "header.Idempotency-Key: 1 to 200 characters",
                              errors=[{"field": "header.Idempotency-Key", "reason": "1 to 200 characters"}])
            caller = self._caller(headers)
        except Problem:
            await self.app(scope, receive, send)  # let the route answer 401/422 as usual
            return
        fingerprint = hashlib.sha256(scope["method"].encode() + scope["path"].encode() + b"\0" + body).hexdigest()
        pool: asyncpg.Pool = self.pool_of()
        claimed = await pool.fetchval(
            """INSERT INTO idempotency_keys (scope, key, fingerprint) VALUES ($1, $2, $3)
               ON CONFLICT DO NOTHING RETURNING true""",
            caller, key_text, fingerprint,
        )
        if not claimed:
            await self._answer_from_first(pool, caller, key_text, fingerprint, send)
            return
        await self._run_and_remember(scope, receive, send, pool, caller, key_text)

    def _caller(self, headers: dict[bytes, bytes]) -> str:
        authorization = headers.get(b"authorization", b"").decode()
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Problem(401, "not-authenticated", "no token")
        principal = principal_from_token(token, self.settings)
        return f"{principal.tenant}/{principal.subject}"

    async def _run_and_remember(self, scope: Scope, receive: Receive, send: Send,
                                pool: asyncpg.Pool, caller: str, key: str) -> None:
        captured: dict[str, Any] = {"body": b""}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                captured["headers"] = {
                    k.decode(): v.decode() for k, v in message.get("headers", []) if k.decode() in REPLAYED_HEADERS
                }
            elif message["type"] == "http.response.body":
                captured["body"] += message.get("body", b"")
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            status = captured.get("status", 500)
            if status >= 500:
                # The first try failed on our side: let a retry run it again.
                await pool.execute("DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2", caller, key)
            else:
                await pool.execute(
                    "UPDATE idempotency_keys SET status = $3, headers = $4, body = $5 WHERE scope = $1 AND key = $2",
                    caller, key, status, json.dumps(captured["headers"]), captured["body"],
                )

    async def _answer_from_first(self, pool: asyncpg.Pool, caller: str, key: str,
                                 fingerprint: str, send: Send) -> None:
        row = await pool.fetchrow(
            "SELECT fingerprint, status, headers, body FROM idempotency_keys WHERE scope = $1 AND key = $2",
            caller, key,
        )
        if row is None or row["status"] is None:
            await send_problem(send, 409, "request-in-progress",
                               "a request with this Idempotency-Key is still being processed; retry shortly")
        elif row["fingerprint"] != fingerprint:
            await send_problem(send, 422, "idempotency-key-reused",
                               "this Idempotency-Key was used for a different request")
        else:
            headers = [(k.encode(), v.encode()) for k, v in json.loads(row["headers"]).items()]
            headers.append((b"idempotent-replayed", b"true"))
            await send({"type": "http.response.start", "status": row["status"], "headers": headers})
            await send({"type": "http.response.body", "body": bytes(row["body"])})


async def buffered(receive: Receive) -> tuple[bytes, Receive]:
    """Reads the whole body once and returns a receive that replays it downstream."""
    chunks = []
    more = True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    body = b"".join(chunks)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay
