"""Webhook receivers on loopback, in the test process (a thread each), as a partner
would run them: each verifies every request's Standard Webhooks signature with the
independent `standardwebhooks` package and keeps what it received, in order.

A receiver's `plan` says how it answers: a list of statuses per webhook-id consumed one
per attempt (then 200), or `hang` to hold every request open until released."""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    webhook_id: str
    event: dict[str, Any]
    headers: dict[str, str]
    body: bytes
    status: int
    verified_with: list[int]  # indexes of the receiver's secrets that verify it
    client_port: int = 0  # the sender's side of the connection: which process sent it


@dataclass
class Receiver:
    secrets: list[str] = field(default_factory=list)
    failures: dict[str, list[int]] = field(default_factory=dict)  # webhook-id -> statuses
    fail_every_time: bool = False
    hang: bool = False
    received: list[Received] = field(default_factory=list)
    open_requests: int = 0
    open_from: list[int] = field(default_factory=list)  # client ports of the requests held open
    released: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def answered(self) -> list[Received]:
        with self.lock:
            return list(self.received)

    def delivered_ids(self) -> list[str]:
        """Events answered 2xx, in the order they were answered."""
        return [r.event["id"] for r in self.answered() if 200 <= r.status < 300]

    def attempts_of(self, event_id: str) -> list[Received]:
        return [r for r in self.answered() if r.event["id"] == event_id]

    def _answer(self, webhook_id: str) -> int:
        with self.lock:
            if self.fail_every_time:
                return 503
            planned = self.failures.get(webhook_id.split(".")[0])
            return planned.pop(0) if planned else 200

    def _verify(self, body: bytes, headers: dict[str, str]) -> list[int]:
        good = []
        for index, secret in enumerate(self.secrets):
            try:
                Webhook(secret).verify(body, headers)
                good.append(index)
            except WebhookVerificationError:
                pass
        return good


def start_receiver(receiver: Receiver) -> Receiver:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            headers = {key.lower(): value for key, value in self.headers.items()}
            if receiver.hang:
                with receiver.lock:
                    receiver.open_requests += 1
                    receiver.open_from.append(self.client_address[1])
                receiver.released.wait(60)
                with receiver.lock:
                    receiver.open_requests -= 1
                    receiver.open_from.remove(self.client_address[1])
            status = receiver._answer(headers.get("webhook-id", ""))
            record = Received(
                headers.get("webhook-id", ""),
                json.loads(body),
                headers,
                body,
                status,
                receiver._verify(body, headers),
                self.client_address[1],
            )
            with receiver.lock:
                receiver.received.append(record)
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver.server = server
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver


def stop_receiver(receiver: Receiver) -> None:
    receiver.released.set()
    if receiver.server is not None:
        receiver.server.shutdown()
        receiver.server.server_close()
