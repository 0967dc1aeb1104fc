"""Idempotency-Key on writes: a retry gets the first answer and writes nothing new.

The key is scoped to the caller (tenant and subject) and bound to a fingerprint of
the whole request: method, path, query string, If-Match and body. Reusing a key for
a different request is refused. Only answers that changed something (2xx) are
remembered; a refusal or failure releases the key so a corrected retry can run. A
key whose first request is still running answers 409, so two racing retries never
both execute; a claim its request abandoned (killed mid-flight) is taken over by a
retry once its lease runs out.
"""

import asyncio
import hashlib
import json
from typing import Any
from uuid import UUID, uuid4

import asyncpg
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.http.auth import Principal, authenticate
from shared.http.idempotency_claims import Claims
from shared.http.problems import Problem, problem_response, send_problem
from shared.metrics import IDEMPOTENCY
from shared.settings import Settings

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
REPLAYED_HEADERS = {"content-type", "etag", "location"}
MAX_KEY_LENGTH = 200
KEY_RULE = f"1 to {MAX_KEY_LENGTH} printable ASCII characters"
CLAIM_ATTEMPTS = 3  # a key released between our insert and our read is simply claimed again


async def forget_old_keys(pool: asyncpg.Pool, ttl_hours: float) -> int:
    """Keys are kept long enough for any sane retry, not forever."""
    status = await pool.execute(
        "DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => $1)", ttl_hours * 3600)
    return int(status.split()[-1])


def idempotency_scope(principal: Principal) -> str:
    """Whose keys these are: one person of one organization, never the whole tenant."""
    return f"{principal.tenant}/{principal.subject}"


def valid_key(raw: bytes) -> str | None:
    """The key as text, or None when it breaks the rule (latin-1 decodes any bytes)."""
    text = raw.decode("latin-1")
    if 1 <= len(text) <= MAX_KEY_LENGTH and all(" " <= char <= "~" for char in text):
        return text
    return None


def request_fingerprint(scope: Scope, body: bytes) -> str:
    """Everything that makes two requests the same request; length-prefixed so parts cannot blur."""
    headers = dict(scope.get("headers") or [])
    parts = [
        scope["method"].encode(), scope["path"].encode("utf-8", "surrogateescape"),
        scope.get("query_string", b""), headers.get(b"if-match", b""), body,
    ]
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings, pool_of: Any, service: str = "") -> None:
        self.app = app
        self.settings = settings
        self.service = service
        self.pool_of = pool_of  # resolved per request: the pool exists only after startup

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers") or [])
        raw_key = headers.get(b"idempotency-key")
        if scope["type"] != "http" or scope["method"] not in WRITE_METHODS or raw_key is None:
            await self.app(scope, receive, send)
            return
        body, receive = await buffered(receive)
        try:
            caller = await self._caller(headers)
        except Problem:
            await self.app(scope, receive, send)  # let the route answer 401 as usual
            return
        key = valid_key(raw_key)
        if key is None:
            await send_key_problem(send, scope["path"])
            return
        fingerprint = request_fingerprint(scope, body)
        claims = Claims(self.pool_of(), self.settings.idempotency_lease_seconds)
        token = uuid4()
        counted = IDEMPOTENCY.labels(self.service, "in_progress")
        for _ in range(CLAIM_ATTEMPTS):
            if await claims.claim(caller, key, fingerprint, token):
                IDEMPOTENCY.labels(self.service, "first").inc()
                await self._run_and_remember(scope, receive, send, claims, caller, key, token)
                return
            row = await claims.read(caller, key)
            if row is None:
                continue
            if row["fingerprint"] != fingerprint:
                IDEMPOTENCY.labels(self.service, "reused").inc()
                await send_problem(send, 422, "idempotency-key-reused",
                                   "this Idempotency-Key was used for a different request")
                return
            if row["status"] is not None:
                IDEMPOTENCY.labels(self.service, "replayed").inc()
                await replay_first_answer(row, send)
                return
            if await claims.take_over(caller, key, fingerprint, token):
                IDEMPOTENCY.labels(self.service, "taken_over").inc()
                await self._run_and_remember(scope, receive, send, claims, caller, key, token)
                return
            break
        counted.inc()
        await send_problem(send, 409, "request-in-progress",
                           "a request with this Idempotency-Key is still being processed; retry shortly")

    async def _caller(self, headers: dict[bytes, bytes]) -> str:
        authorization = headers.get(b"authorization", b"").decode("latin-1")
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Problem(401, "not-authenticated", "no token")
        return idempotency_scope(await authenticate(token, self.settings))

    async def _run_and_remember(self, scope: Scope, receive: Receive, send: Send,
                                claims: Claims, caller: str, key: str, token: UUID) -> None:
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

        renewing = asyncio.create_task(self._keep_claimed(claims, caller, key, token))
        try:
            await self.app(scope, receive, capture)
        finally:
            renewing.cancel()
            await asyncio.gather(renewing, return_exceptions=True)  # a failed renewal must not fail the answer
            status = captured.get("status", 500)
            if 200 <= status < 300:
                await claims.remember(caller, key, token, status, json.dumps(captured["headers"]), captured["body"])
            else:
                # A refusal or failure committed nothing: a corrected or later retry may run.
                await claims.release(caller, key, token)

    async def _keep_claimed(self, claims: Claims, caller: str, key: str, token: UUID) -> None:
        """Renews the lease while the request runs: only a dead request's claim expires."""
        while True:
            await asyncio.sleep(claims.lease_seconds / 3)
            await claims.renew(caller, key, token)


async def replay_first_answer(row: Any, send: Send) -> None:
    headers = [(k.encode(), v.encode()) for k, v in json.loads(row["headers"]).items()]
    headers.append((b"idempotent-replayed", b"true"))
    await send({"type": "http.response.start", "status": row["status"], "headers": headers})
    await send({"type": "http.response.body", "body": bytes(row["body"])})


async def send_key_problem(send: Send, path: str) -> None:
    field = "header.Idempotency-Key"
    response = problem_response(422, "validation-failed", f"{field}: {KEY_RULE}", path,
                                errors=[{"field": field, "reason": KEY_RULE}])
    await send({"type": "http.response.start", "status": 422, "headers": response.raw_headers})
    await send({"type": "http.response.body", "body": response.body})


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
