"""Sends due deliveries: bounded concurrency in all and per endpoint, a deadline on
every request, so a slow or dead endpoint holds at most its own few slots and never
delays another's deliveries. Every replica runs one, on the same table: the queue
(delivery_queue.py) makes their claims exclusive and their per-endpoint bound shared."""

import asyncio
import logging
import time
from uuid import UUID

import asyncpg
import httpx
from prometheus_client import Counter as Tally
from prometheus_client import Histogram

from services.webhooks.delivery_queue import Claimed, claim, record_failure, record_successes, release
from services.webhooks.host_check import HostCheck
from services.webhooks.retry_schedule import RetrySchedule
from services.webhooks.secret_box import SecretBox
from services.webhooks.signing import message_id, signature_header
from shared.settings import Settings

log = logging.getLogger(__name__)
# httpx logs every request at INFO: one line per delivery attempt is the delivery log's job.
logging.getLogger("httpx").setLevel(logging.WARNING)
ATTEMPTS = Tally("webhook_attempts_total", "webhook delivery attempts, by outcome", ["outcome"])
ANSWER_SECONDS = Histogram("webhook_answer_seconds", "how long endpoints took to answer")
LEASE_SLACK_SECONDS = 30.0
ROUND_SECONDS = 0.01


class Dispatcher:
    def __init__(self, settings: Settings, pool: asyncpg.Pool, box: SecretBox) -> None:
        self.settings, self.pool, self.box = settings, pool, box
        self.schedule = RetrySchedule.parse(settings.webhook_retry_schedule)
        self.wake = asyncio.Event()
        self.in_flight: dict[asyncio.Task[None], Claimed] = {}
        # Answered 2xx, not yet recorded: written together at the top of the next round.
        # Until then each stays in_flight in the table, so its relationship's next
        # delivery waits (order holds) while the HTTP slot is already free.
        self.successes: list[tuple[Claimed, int, float]] = []
        self.running = False
        # A small connection pool per endpoint: one shared pool of many connections costs
        # httpcore a scan of all of them per request (most of our CPU at 200/s, profiled).
        self.clients: dict[UUID, httpx.AsyncClient] = {}
        self.host_check = HostCheck(settings.environment == "development")

    def nudge(self) -> None:
        self.wake.set()

    async def run(self) -> None:
        self.running = True
        try:
            await self._send_forever()
        finally:
            self.running = False
            await self._give_back()

    async def _give_back(self) -> None:
        """On stop: answers recorded, claims still unanswered released for the other
        replicas, connections closed."""
        unanswered = list(self.in_flight.values())
        for task in self.in_flight:
            task.cancel()
        await asyncio.gather(*self.in_flight, return_exceptions=True)
        answered = {delivery.seq for delivery, _, _ in self.successes}
        await self._record_successes()
        try:
            await release(self.pool, [d for d in unanswered if d.seq not in answered])
        except Exception:  # noqa: BLE001  (stopping goes on; their leases run out instead)
            log.warning("could not release webhook claims", exc_info=True)
        for client in self.clients.values():
            await client.aclose()
        self.clients.clear()

    def _client_for(self, endpoint_id: UUID) -> httpx.AsyncClient:
        client = self.clients.get(endpoint_id)
        if client is None:
            size = self.settings.webhook_endpoint_concurrency
            limits = httpx.Limits(max_connections=size, max_keepalive_connections=size)
            client = httpx.AsyncClient(limits=limits, follow_redirects=False)
            self.clients[endpoint_id] = client
        return client

    async def _send_forever(self) -> None:
        settings = self.settings
        while True:
            self.wake.clear()
            await self._record_successes()
            free = settings.webhook_concurrency - len(self.in_flight)
            if free > 0:
                claimed = await claim(
                    self.pool,
                    free,
                    settings.webhook_endpoint_concurrency,
                    settings.webhook_timeout_seconds + LEASE_SLACK_SECONDS,
                )
                for delivery in claimed:
                    self._start(self._client_for(delivery.endpoint_id), delivery)
            round_started = time.monotonic()
            try:
                await asyncio.wait_for(self.wake.wait(), settings.webhook_poll_seconds)
            except TimeoutError:
                pass
            # At most one round per ROUND_SECONDS: under a backlog, answers arriving one
            # by one would otherwise each cost a claim query over every unfinished row.
            await asyncio.sleep(max(0.0, round_started + ROUND_SECONDS - time.monotonic()))

    async def _record_successes(self) -> None:
        answered, self.successes = self.successes, []
        if not answered:
            return
        try:
            await record_successes(self.pool, answered)
        except Exception:
            # Their leases run out and they are sent again: at-least-once, deduped by id.
            log.exception("could not record webhook deliveries", extra={"count": len(answered)})

    def _start(self, client: httpx.AsyncClient, delivery: Claimed) -> None:
        task = asyncio.create_task(self._attempt(client, delivery))
        self.in_flight[task] = delivery

        def done(finished: asyncio.Task[None]) -> None:
            self.in_flight.pop(finished, None)
            self.wake.set()  # a slot is free, and the subject's next delivery may be due

        task.add_done_callback(done)

    async def _attempt(self, client: httpx.AsyncClient, delivery: Claimed) -> None:
        body = delivery.body.encode()
        secrets = [self.box.open(delivery.endpoint_id, delivery.sealed_secret)]
        if delivery.sealed_previous_secret is not None:
            secrets.append(self.box.open(delivery.endpoint_id, delivery.sealed_previous_secret))
        identity = message_id(delivery.event_id, str(delivery.endpoint_id))
        timestamp = int(time.time())
        headers = {
            "content-type": "application/json",
            "webhook-id": identity,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": signature_header(secrets, identity, timestamp, body),
            "user-agent": "mentoring-webhooks/1",
        }
        started = time.monotonic()
        status: int | None = None
        try:
            if refused := await self.host_check.refusal(delivery.url):
                raise httpx.ConnectError(refused)
            response = await asyncio.wait_for(
                client.post(delivery.url, content=body, headers=headers),
                self.settings.webhook_timeout_seconds,
            )
            status = response.status_code
            error = "" if 200 <= status < 300 else f"HTTP {status}"
        except TimeoutError:
            error = f"no answer within {self.settings.webhook_timeout_seconds:g} s"
        except httpx.HTTPError as failure:
            error = f"{type(failure).__name__}: {failure}"[:500]
        latency_ms = (time.monotonic() - started) * 1000
        ANSWER_SECONDS.observe(latency_ms / 1000)
        ATTEMPTS.labels("delivered" if not error else "failed").inc()
        try:
            if not error and status is not None:
                self.successes.append((delivery, status, latency_ms))
                return
            wait = self.schedule.wait_after(delivery.attempts + 1)
            if await record_failure(self.pool, delivery, status, error, latency_ms, wait):
                log.warning(
                    "webhook endpoint disabled", extra={"endpoint": str(delivery.endpoint_id)}
                )
        except Exception:
            # The lease runs out and the delivery is tried again: at-least-once.
            log.exception(
                "could not record a webhook attempt", extra={"delivery": str(delivery.id)}
            )
