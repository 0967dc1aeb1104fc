"""Webhooks as its own process on a fresh database, public events written onto the
test namespace's topics as the relays write them, and receivers on loopback that
verify every signature with the independent `standardwebhooks` package."""

from uuid import uuid4

import pytest

from tests.e2e.webhooks_kit import Partner, paused, publish
from tests.support.api_client import eventually
from tests.support.processes import webhooks_process
from tests.support.servers import create_database_sync, drop_database_sync
from tests.support.webhook_receivers import Receiver

pytestmark = pytest.mark.e2e
# Three attempts half a second apart; a request may take 10 s, so a hanging receiver
# holds its slots for the whole of a test.
ENV = {
    "WEBHOOK_RETRY_SCHEDULE": "0.5,0.5",
    "WEBHOOK_TIMEOUT_SECONDS": "10",
    "WEBHOOK_POLL_SECONDS": "0.1",
    "WEBHOOK_CONCURRENCY": "4",
    "WEBHOOK_ENDPOINT_CONCURRENCY": "2",
}


@pytest.fixture(scope="module")
def webhooks(server_settings, tmp_path_factory):
    suffix = uuid4().hex[:8]
    database = f"e2e_webhooks_{suffix}"
    create_database_sync(server_settings, database)
    settings = server_settings.model_copy(update={"topic_namespace": f"wh{suffix}"})
    service = webhooks_process(settings, database, tmp_path_factory.mktemp("webhooks"), ENV)
    try:
        service.start()
        yield {"service": service, "settings": settings}
    finally:
        service.stop()
        drop_database_sync(server_settings, database)


def partner(webhooks, name: str) -> Partner:
    return Partner(webhooks["settings"], webhooks["service"].url, f"{name}-{uuid4().hex[:6]}")


def subscribe(webhooks, receiver: Receiver, name: str, **extra) -> tuple[Partner, dict]:
    owner = partner(webhooks, name)
    endpoint = owner.register(receiver.url, **extra)
    receiver.secrets.append(endpoint["secret"])
    return owner, endpoint


def test_a_delivery_is_the_cloudevent_signed_the_standard_webhooks_way(webhooks, receivers):
    receiver = receivers()
    owner, endpoint = subscribe(webhooks, receiver, "acme")
    event = paused(owner.organization)
    publish(webhooks["settings"], [event])
    eventually(lambda: receiver.delivered_ids() == [event.id], what="the delivery")
    got = receiver.answered()[0]
    assert got.event == event.model_dump(mode="json", exclude_none=True)
    assert got.webhook_id == f"{event.id}.{endpoint['id']}"
    assert got.verified_with == [0]  # the independent verifier accepts the signature
    assert got.headers["content-type"] == "application/json"
    logged = eventually(
        lambda: [d for d in owner.deliveries(endpoint["id"]) if d["status"] == "delivered"],
        what="the log",
    )
    assert logged[0]["event_id"] == event.id and logged[0]["attempts"] == 1
    assert logged[0]["last_status"] == 200 and logged[0]["last_latency_ms"] >= 0


def test_a_receiver_failing_twice_gets_the_event_once_more_after_each_failure(webhooks, receivers):
    relationship = str(uuid4())
    receiver = receivers()
    owner, endpoint = subscribe(webhooks, receiver, "acme")
    first, second = (
        paused(owner.organization, relationship),
        paused(owner.organization, relationship),
    )
    receiver.failures[first.id] = [500, 503]
    publish(webhooks["settings"], [first, second])
    # The relationship's next event goes only after the first is done: when it arrived,
    # every attempt of the first had been made.
    eventually(lambda: second.id in receiver.delivered_ids(), what="the second event")
    attempts = receiver.attempts_of(first.id)
    assert [a.status for a in attempts] == [500, 503, 200]
    assert {a.webhook_id for a in attempts} == {f"{first.id}.{endpoint['id']}"}
    assert all(a.verified_with == [0] for a in receiver.answered())
    assert len(receiver.attempts_of(second.id)) == 1
    assert receiver.delivered_ids() == [first.id, second.id]
    first_logged = next(d for d in owner.deliveries(endpoint["id"]) if d["event_id"] == first.id)
    assert first_logged["status"] == "delivered" and first_logged["attempts"] == 3


def test_one_relationships_events_reach_an_endpoint_one_at_a_time_in_order(webhooks, receivers):
    relationship = str(uuid4())
    receiver = receivers()
    owner, _ = subscribe(webhooks, receiver, "acme")
    events = [paused(owner.organization, relationship) for _ in range(6)]
    receiver.failures[events[2].id] = [500]
    publish(webhooks["settings"], events)
    eventually(lambda: len(receiver.delivered_ids()) == 6, what="six deliveries")
    assert receiver.delivered_ids() == [event.id for event in events]


def test_a_hanging_receiver_does_not_delay_a_healthy_one(webhooks, receivers):
    hanging, healthy = receivers(hang=True), receivers()
    stuck, stuck_endpoint = subscribe(webhooks, hanging, "stuck")
    fine, _ = subscribe(webhooks, healthy, "fine")
    # The hanging receiver's events first, on one partition: stored (and due) before the
    # healthy one's, every one its own relationship, so all could be sent at once.
    events = [paused(stuck.organization) for _ in range(6)]
    events += [paused(fine.organization) for _ in range(6)]
    publish(webhooks["settings"], events, key=b"one partition")
    wanted = {event.id for event in events if event.tenant == fine.organization}
    eventually(lambda: set(healthy.delivered_ids()) == wanted, what="the healthy deliveries")
    # Meanwhile not one request to the hanging receiver has ended (each takes up to
    # 10 s): the healthy one never waited for the hanging one's slots.
    assert hanging.open_requests >= 1 and hanging.answered() == []
    assert all(d["attempts"] == 0 for d in stuck.deliveries(stuck_endpoint["id"]))


def test_an_endpoint_gets_only_its_organizations_events_and_the_types_it_asked_for(
    webhooks, receivers
):
    to_acme, to_globex, to_acme_intake = receivers(), receivers(), receivers()
    acme, acme_endpoint = subscribe(webhooks, to_acme, "acme")
    globex, _ = subscribe(webhooks, to_globex, "globex")
    intake_only = Partner(webhooks["settings"], webhooks["service"].url, acme.organization)
    filtered = intake_only.register(to_acme_intake.url, types=["mentoring.intake."])
    theirs = [paused(globex.organization), paused(globex.organization)]
    nobodys = paused("operator")  # names no organization and no known person
    ours = [paused(acme.organization), paused(acme.organization)]
    # One partition: when acme's last event arrives, everything before it was stored.
    publish(webhooks["settings"], [*theirs, ours[0], nobodys, ours[1]], key=b"one")
    eventually(lambda: set(to_acme.delivered_ids()) == {e.id for e in ours}, what="acme's")
    eventually(lambda: set(to_globex.delivered_ids()) == {e.id for e in theirs}, what="globex's")
    assert {d["event_id"] for d in acme.deliveries(acme_endpoint["id"])} == {e.id for e in ours}
    assert acme.deliveries(filtered["id"]) == [] and to_acme_intake.answered() == []


def test_a_rotated_secret_signs_alongside_the_new_one(webhooks, receivers):
    receiver = receivers()
    owner, endpoint = subscribe(webhooks, receiver, "acme")
    before = paused(owner.organization)
    publish(webhooks["settings"], [before])
    eventually(lambda: receiver.delivered_ids() == [before.id], what="the first delivery")
    rotated = owner.client.post(f"/v1/webhooks/{endpoint['id']}/rotate-secret")
    assert rotated.status_code == 200, rotated.text
    receiver.secrets.append(rotated.json()["secret"])
    after = paused(owner.organization)
    publish(webhooks["settings"], [after])
    eventually(lambda: after.id in receiver.delivered_ids(), what="the second delivery")
    assert receiver.attempts_of(before.id)[0].verified_with == [0]
    # Both secrets verify it: a receiver not yet switched over still accepts.
    assert receiver.attempts_of(after.id)[0].verified_with == [0, 1]
    assert len(receiver.attempts_of(after.id)[0].headers["webhook-signature"].split(" ")) == 2


def test_an_endpoint_failing_for_the_whole_schedule_is_disabled_with_the_reason(
    webhooks, receivers
):
    receiver = receivers(fail_every_time=True)
    owner, endpoint = subscribe(webhooks, receiver, "acme")
    event = paused(owner.organization)
    publish(webhooks["settings"], [event])
    eventually(lambda: not owner.endpoint(endpoint["id"])["enabled"], what="it disabled")
    disabled = owner.endpoint(endpoint["id"])
    assert "3 attempts" in disabled["disabled_reason"]
    assert "HTTP 503" in disabled["disabled_reason"]
    assert len(receiver.attempts_of(event.id)) == 3
    [logged] = owner.deliveries(endpoint["id"])
    assert logged["status"] == "failed" and logged["attempts"] == 3
    # Nothing is queued for a disabled endpoint: an event stored meanwhile (the same
    # organization's other endpoint got it) is not in its log; enabled, redeliver works.
    witness = receivers()
    owner.register(witness.url)
    later = paused(owner.organization)
    publish(webhooks["settings"], [later])
    eventually(lambda: witness.delivered_ids() == [later.id], what="the event while disabled")
    assert [d["event_id"] for d in owner.deliveries(endpoint["id"])] == [event.id]
    receiver.fail_every_time = False
    assert owner.client.post(f"/v1/webhooks/{endpoint['id']}/enable").status_code == 200
    again = owner.client.post(f"/v1/webhooks/{endpoint['id']}/deliveries/{logged['id']}/redeliver")
    assert again.status_code == 202, again.text
    eventually(lambda: event.id in receiver.delivered_ids(), what="the redelivery")
    assert later.id not in {a.event["id"] for a in receiver.answered()}


def test_a_restart_of_the_webhooks_service_mid_retry_loses_no_delivery(webhooks, receivers):
    service = webhooks["service"]
    service.restart(WEBHOOK_RETRY_SCHEDULE="3,3")  # a retry waits long enough to be cut
    try:
        receiver = receivers()
        owner, endpoint = subscribe(webhooks, receiver, "acme")
        relationship = str(uuid4())
        first, second = (
            paused(owner.organization, relationship),
            paused(owner.organization, relationship),
        )
        receiver.failures[first.id] = [500]
        publish(webhooks["settings"], [first, second])
        eventually(
            lambda: [
                d
                for d in owner.deliveries(endpoint["id"])
                if d["event_id"] == first.id and d["attempts"] == 1
            ],
            what="the first attempt to fail",
        )
        service.process.kill()  # SIGKILL during the retry's wait: no shutdown hook runs
        service.process.wait()
        third = paused(owner.organization)
        publish(webhooks["settings"], [third])  # published while the service is down
        service.start()
        eventually(
            lambda: set(receiver.delivered_ids()) == {first.id, second.id, third.id},
            what="every delivery after the restart",
        )
        assert receiver.delivered_ids().index(first.id) < receiver.delivered_ids().index(second.id)
    finally:
        service.restart(WEBHOOK_RETRY_SCHEDULE=ENV["WEBHOOK_RETRY_SCHEDULE"])
