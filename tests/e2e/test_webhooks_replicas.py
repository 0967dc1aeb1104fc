"""Two webhooks processes on one database, as a deployment scales it: both ingest (one
consumer group) and both dispatch from the same deliveries table. Receivers on loopback
verify every signature. Each event reaches each endpoint once, in order per relationship,
and a replica killed (SIGKILL) with requests in flight loses nothing: its claims go out
from the other replica once their leases run out."""

import os
import re
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

import httpx
import pytest

from shared.envelope import CloudEvent
from shared.settings import Settings
from tests.e2e.webhooks_kit import Partner, paused, publish
from tests.support.api_client import eventually, token
from tests.support.processes import ServiceProcess, webhooks_process
from tests.support.servers import create_database_sync, drop_database_sync
from tests.support.webhook_receivers import Receiver

pytestmark = pytest.mark.e2e
# A request may take 10 s, so a claim's lease is 40 s (dispatcher.LEASE_SLACK_SECONDS);
# the killed replica's hanging requests cannot time out before it is killed. Two
# requests in flight per replica, four per endpoint: an endpoint with four requests open
# has been sent to by both replicas at once.
ENV = {
    "WEBHOOK_TIMEOUT_SECONDS": "10",
    "WEBHOOK_POLL_SECONDS": "0.1",
    "WEBHOOK_CONCURRENCY": "2",
    "WEBHOOK_ENDPOINT_CONCURRENCY": "4",
}
PER_REPLICA = 2
LEASE_SECONDS = 40
ATTEMPTS = re.compile(r'^webhook_attempts_total\{outcome="delivered"\} (\S+)$', re.M)


@dataclass
class Replicas:
    settings: Settings
    processes: list[ServiceProcess]

    def delivered_by(self, replica: ServiceProcess) -> float:
        """The replica's own count of deliveries answered 2xx (its /metrics)."""
        bearer = token(self.settings, "ops", "operator")
        scraped = httpx.get(f"{replica.url}/metrics", headers={"authorization": f"Bearer {bearer}"})
        found = ATTEMPTS.search(scraped.text)
        return float(found.group(1)) if found else 0.0


@pytest.fixture
def replicas(server_settings, tmp_path) -> Iterator[Replicas]:
    """Two webhooks processes (not started) on one fresh database and topic namespace."""
    suffix = uuid4().hex[:8]
    database = f"e2e_webhooks_replicas_{suffix}"
    create_database_sync(server_settings, database)
    settings = server_settings.model_copy(update={"topic_namespace": f"whr{suffix}"})
    processes = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        processes.append(webhooks_process(settings, database, tmp_path / name, ENV))
    try:
        yield Replicas(settings, processes)
    finally:
        for replica in processes:
            replica.stop()
        drop_database_sync(server_settings, database)


def subscribe(partner: Partner, receiver: Receiver) -> None:
    receiver.secrets.append(partner.register(receiver.url)["secret"])


def interleaved(partner: Partner, relationships: int, each: int) -> tuple[dict[str, list[str]], list[CloudEvent]]:
    """`each` events of every relationship, the relationships taking turns; and each
    relationship's event ids in publication order."""
    ids: dict[str, list[str]] = {str(uuid4()): [] for _ in range(relationships)}
    events = []
    for _ in range(each):
        for relationship, published in ids.items():
            event = paused(partner.organization, relationship)
            published.append(event.id)
            events.append(event)
    return ids, events


def first_deliveries(receiver: Receiver) -> list[str]:
    """Event ids as a receiver deduping on webhook-id sees them: each at its first 2xx."""
    seen: list[str] = []
    for event_id in receiver.delivered_ids():
        if event_id not in seen:
            seen.append(event_id)
    return seen


def in_order_per_relationship(receiver: Receiver, relationships: dict[str, list[str]]) -> bool:
    got = first_deliveries(receiver)
    return all([e for e in got if e in set(ids)] == ids for ids in relationships.values())


def test_two_replicas_deliver_each_event_once_per_endpoint_in_order(replicas, receivers):
    for replica in replicas.processes:
        replica.start()
    settings = replicas.settings
    partner = Partner(settings, replicas.processes[0].url, f"acme-{uuid4().hex[:6]}")
    hooks = [receivers() for _ in range(3)]
    for hook in hooks:
        subscribe(partner, hook)
    relationships, events = interleaved(partner, relationships=8, each=5)
    publish(settings, events)  # keyed by relationship: spread over the three partitions
    wanted = sorted(event.id for event in events)
    for hook in hooks:
        eventually(lambda hook=hook: sorted(first_deliveries(hook)) == wanted, timeout=60,
                   what="every event at every endpoint")
    for hook in hooks:
        assert sorted(hook.delivered_ids()) == wanted, "an event delivered twice"
        assert all(received.verified_with == [0] for received in hook.answered())
        assert in_order_per_relationship(hook, relationships)
    assert sum(replicas.delivered_by(replica) for replica in replicas.processes) == 3 * len(wanted)


def test_a_replica_killed_with_requests_in_flight_loses_nothing(replicas, receivers):
    for replica in replicas.processes:
        replica.start()
    settings = replicas.settings
    partner = Partner(settings, replicas.processes[0].url, f"acme-{uuid4().hex[:6]}")
    hook = receivers(hang=True)
    subscribe(partner, hook)
    relationships, events = interleaved(partner, relationships=6, each=3)
    publish(settings, events)
    # Both replicas sending at once, each at its limit, with requests held open: the
    # table is one queue for both, not a standby's.
    eventually(lambda: hook.open_requests == 2 * PER_REPLICA, what="both replicas' requests in flight")
    victim, survivor = replicas.processes
    victim_ports = sending_ports(victim)
    assert len(victim_ports & set(hook.open_from)) == PER_REPLICA
    victim.process.kill()  # SIGKILL: no shutdown hook gives its claims back
    victim.process.wait()
    hook.released.set()  # the killed replica's requests are answered, to nobody
    wanted = sorted(event.id for event in events)
    eventually(lambda: sorted(first_deliveries(hook)) == wanted, timeout=LEASE_SECONDS + 60,
               what="every event, the killed replica's after their leases")
    assert in_order_per_relationship(hook, relationships)
    assert all(received.verified_with == [0] for received in hook.answered())
    # At least once: what came twice is exactly what the killed replica had in flight, and
    # the survivor recorded every delivery (those again once their leases ran out).
    repeated = {e for e in wanted if hook.delivered_ids().count(e) > 1}
    from_victim = {r.event["id"] for r in hook.answered() if r.client_port in victim_ports}
    assert len(repeated) == PER_REPLICA and repeated == from_victim
    assert len(hook.delivered_ids()) == len(wanted) + PER_REPLICA
    assert replicas.delivered_by(survivor) == len(wanted)


def sending_ports(replica: ServiceProcess) -> set[int]:
    """The local ports of a replica's TCP sockets, from /proc (no psutil here): which of
    the receiver's requests it sent."""
    assert replica.process is not None
    proc = Path(f"/proc/{replica.process.pid}")
    inodes = set()
    for fd in (proc / "fd").iterdir():
        with suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target.removeprefix("socket:[").removesuffix("]"))
    ports = set()
    for table in ("tcp", "tcp6"):
        for line in (proc / "net" / table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[9] in inodes:
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports
