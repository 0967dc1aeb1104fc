"""Plumbing every service shares, fed what a careless or hostile partner may send:
foreign cursors, odd token claims, headers that are not text, chunked oversized
bodies. Each answers a 4xx problem, never a 500; and a real 500 says which request
it was and logs its traceback inside the JSON log."""

import base64
import io
import json
import logging
import logging.config
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import jwt
import pytest
from fastapi.testclient import TestClient
from uvicorn.config import LOGGING_CONFIG

from shared.http.observability import JsonFormatter, configure_logging
from services.intake.main import build
from tests.integration.conftest import service_client
from tests.support.api_client import token

pytestmark = pytest.mark.integration
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def api(server_settings):
    with service_client(server_settings, "intake", build) as (client, settings):
        yield client, settings


def bearer(settings, tenant="acme", role="partner") -> dict[str, str]:  # noqa: ANN001
    return {"authorization": f"Bearer {token(settings, tenant, role)}"}


def raw_request(client: TestClient, method: str, path: str, headers: list[tuple[bytes, bytes]],
                body: bytes = b"") -> tuple[int, dict[bytes, bytes], bytes]:
    """Calls the app on its own event loop with header bytes exactly as given: the test
    client re-encodes headers as UTF-8, so it cannot send bytes that are not."""

    async def call() -> tuple[int, dict[bytes, bytes], bytes]:
        sent: list[dict[str, Any]] = []
        delivered = False

        async def receive() -> dict[str, Any]:
            nonlocal delivered
            if delivered:
                return {"type": "http.disconnect"}
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
                 "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
                 "root_path": "", "headers": [(b"host", b"testserver"), *headers],
                 "client": ("127.0.0.1", 50000), "server": ("testserver", 80)}
        await client.app(scope, receive, send)
        start = next(m for m in sent if m["type"] == "http.response.start")
        content = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        return start["status"], dict(start.get("headers", [])), content

    assert client.portal is not None
    return client.portal.call(call)


def cursor_of(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


@pytest.mark.parametrize("position", [
    {"x": 1},
    {"t": "yesterday", "id": str(uuid4())},
    {"t": "2026-01-01T00:00:00+00:00", "id": "not-a-uuid"},
    {"t": 5, "id": 7},
    {"t": "2026-01-01T00:00:00", "id": str(uuid4())},
    {"t": "0001-01-01T00:00:00-01:00", "id": str(uuid4())},
    {"t": "2026-01-01T00:00:00+00:00", "id": str(uuid4()), "more": "x"},
])
def test_a_cursor_that_decodes_but_is_not_ours_is_a_problem_naming_the_cursor(api, position):
    client, settings = api
    response = client.get("/v1/participants", headers=bearer(settings), params={"cursor": cursor_of(position)})
    assert response.status_code in (400, 422), response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["errors"][0]["field"] == "query.cursor"


def claims(settings, **changes: Any) -> str:  # noqa: ANN001
    now = datetime.now(UTC)
    body = {"sub": "someone", "org": "acme", "roles": ["partner"], "iat": now, "exp": now + timedelta(hours=1),
            "aud": settings.jwt_audience, "iss": settings.jwt_issuer, **changes}
    return jwt.encode(body, settings.jwt_secret.get_secret_value(), algorithm="HS256")


@pytest.mark.parametrize("changes", [
    {"roles": 5},
    {"roles": "partner"},
    {"roles": [["partner"]]},
    {"roles": {"partner": True}},
    {"roles": ["participant"], "participant_id": "not-a-uuid"},
    {"roles": ["participant"], "participant_id": 12},
    {"org": 5},
    {"org": ["acme"]},
    {"org": ""},
    {"org": "ac\u0000me"},
])
def test_a_signed_token_whose_claims_have_the_wrong_shape_is_a_401(api, changes):
    client, settings = api
    response = client.get("/v1/participants", headers={"authorization": f"Bearer {claims(settings, **changes)}"})
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == PROBLEM


def test_a_correlation_id_or_traceparent_that_is_not_text_is_replaced_by_a_fresh_one(api):
    client, _ = api
    for header in (b"x-correlation-id", b"traceparent"):
        status, headers, _ = raw_request(client, "GET", "/healthz", [(header, b"\xff\xfe-not-utf8")])
        assert status == 200
        correlation = headers[b"x-correlation-id"].decode()
        assert correlation and correlation.isascii() and correlation.isprintable()


def test_an_idempotency_key_or_authorization_that_is_not_text_is_a_4xx(api):
    client, settings = api
    good_auth = (b"authorization", f"Bearer {token(settings, 'acme', 'partner')}".encode())
    json_body = (b"content-type", b"application/json")
    cases = [
        [good_auth, json_body, (b"idempotency-key", b"\xff\xfe")],
        [(b"authorization", b"Bearer \xff\xfe"), json_body, (b"idempotency-key", b"k-1")],
        [(b"authorization", b"Bearer \xff\xfe"), json_body],
        [good_auth, json_body, (b"idempotency-key", b"nul\x00key")],
    ]
    for headers in cases:
        status, answered, body = raw_request(client, "POST", "/v1/participants", headers, b"{}")
        assert status in (400, 401, 422), (headers, status, body)
        assert answered[b"content-type"] == PROBLEM.encode()


def test_a_chunked_body_over_the_limit_is_a_413(api):
    client, settings = api
    limit = settings.max_body_bytes

    def chunks():  # no Content-Length: the size is known only while reading
        for _ in range(limit // 1000 + 2):
            yield b"a" * 1000

    for extra in ({}, {"idempotency-key": uuid4().hex}):
        response = client.post("/v1/requests", content=chunks(), headers={
            **bearer(settings), "content-type": "application/json", **extra})
        assert response.status_code == 413, response.text
        assert response.json()["type"].endswith("/payload-too-large")


def test_a_chunked_body_under_the_limit_still_reaches_the_route(api):
    client, settings = api
    response = client.post("/v1/programs", content=iter([b'{"name": "Chunked", ', b'"formats": ["peer"], ',
                                                         b'"organizations": ["acme"]}']),
                           headers={**bearer(settings, "ops", "operator"), "content-type": "application/json"})
    assert response.status_code == 201, response.text


def test_an_unexpected_error_answers_a_500_problem_with_the_correlation_id_and_logs_it_as_json(api):
    client, settings = api

    async def boom() -> None:
        raise RuntimeError("a bug, not the caller's fault")

    client.app.add_api_route("/v1/test-only-boom", boom, methods=["GET"])
    captured = io.StringIO()
    handler = logging.StreamHandler(captured)
    handler.setFormatter(JsonFormatter("intake"))
    logging.getLogger().addHandler(handler)
    try:
        quiet = TestClient(client.app, raise_server_exceptions=False)
        response = quiet.get("/v1/test-only-boom", headers={"x-correlation-id": "trace-me-42"})
    finally:
        logging.getLogger().removeHandler(handler)
        client.app.router.routes[:] = [r for r in client.app.router.routes
                                       if getattr(r, "path", "") != "/v1/test-only-boom"]
    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["x-correlation-id"] == "trace-me-42"
    assert response.json()["correlation_id"] == "trace-me-42"
    assert "a bug" not in response.text, "no internals in the answer"
    lines = [json.loads(line) for line in captured.getvalue().splitlines() if line.strip()]
    # other loggers (aiokafka's fetcher during a leader move) may log errors meanwhile
    errors = [line for line in lines if line["level"] == "ERROR" and line["logger"] == "shared.http"]
    assert errors, captured.getvalue()
    assert errors[0]["correlation_id"] == "trace-me-42"
    assert "RuntimeError: a bug" in errors[0]["exception"]


def test_the_servers_own_error_lines_go_into_the_json_log_not_plain_text():
    """`uvicorn module:app` sets up its plain-text logging before the app is imported."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    try:
        logging.config.dictConfig(LOGGING_CONFIG)
        configure_logging("intake", "INFO")
        captured = io.StringIO()
        root.handlers[0].setStream(captured)
        try:
            raise ValueError("boom in the server")
        except ValueError:
            logging.getLogger("uvicorn.error").exception("Exception in ASGI application")
        line = json.loads(captured.getvalue().strip().splitlines()[-1])
        assert line["logger"] == "uvicorn.error" and "ValueError: boom" in line["exception"]
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
        for name in ("uvicorn", "uvicorn.error"):
            logging.getLogger(name).handlers[:] = []
            logging.getLogger(name).propagate = True
