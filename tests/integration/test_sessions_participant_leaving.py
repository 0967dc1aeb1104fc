"""Sessions learning that a participant left, over real Kafka and PostgreSQL: an erased
person's keys leave sessions' own key table, and every relationship they are still in
closes with the reason, whether it started before or after they left."""

import asyncio
import itertools
from datetime import UTC, datetime
from uuid import UUID, uuid4

import asyncpg
import psycopg
import pytest
from eventsourcing.persistence import IntegrityError, Tracking

from shared.contracts.intake import ParticipantErased, ParticipantWithdrew
from shared.contracts.matching import MatchConfirmed
from shared.contracts.vocabulary import GroundRulesTemplate
from shared.envelope import CloudEvent
from shared.kafka_clients import idempotent_producer
from shared.runtime import use_standard_uuids
from shared.store_access import find_sync
from shared.vault import Erased, Vault
from services.sessions.consumers import handlers, relationship_parties
from services.sessions.domain.closing import A_PARTY_LEFT
from services.sessions.domain.relationship import Relationship
from services.sessions.main import build
from tests.integration.conftest import service_client
from tests.support.api_client import eventually, token

pytestmark = pytest.mark.integration
SEQUENCE = itertools.count(1)
GOALS = [{"topic": "speaking", "outcome": "keynote"}]


@pytest.fixture(scope="module")
def api(server_settings):
    with service_client(server_settings, "sessions", build) as (client, settings):
        yield client, settings


def envelope(contract) -> CloudEvent:  # noqa: ANN001
    return CloudEvent(
        id=str(uuid4()), source=f"/mentoring/{contract.service}", type=contract.cloudevent_type(),
        subject="subject", time=datetime.now(UTC), dataschema="urn:test", tenant="acme",
        correlationid="test", sequence=str(next(SEQUENCE)), data=contract.model_dump(mode="json"),
    )


def send(settings, service: str, *contracts) -> None:  # noqa: ANN001
    async def produce() -> None:
        producer = idempotent_producer(settings)
        await producer.start()
        try:
            for contract in contracts:
                # One key, so one partition: the sequence numbers stay in order there.
                await producer.send_and_wait(settings.topic_for(service), envelope(contract).to_bytes(),
                                             key=b"people")
        finally:
            await producer.stop()

    asyncio.run(produce())


def key_rows_of(settings, person: UUID) -> int:  # noqa: ANN001
    with psycopg.connect(settings.postgres_dsn(settings.sessions_database)) as database:
        return database.execute("SELECT count(*) FROM subject_keys WHERE subject_id = %s",
                                (person,)).fetchone()[0]


def closing_reasons(client, relationship_id: UUID) -> list[str]:  # noqa: ANN001
    store = client.app.state.runtime.app
    return [event.reason for event in store.events.get(relationship_id)
            if type(event).__name__ == "RelationshipClosed"]


def confirmed_match(mentee: UUID, mentor: UUID) -> MatchConfirmed:
    return MatchConfirmed(
        proposal_id=uuid4(), request_id=uuid4(), program_id=uuid4(), organization_id="acme", mentee_id=mentee,
        mentor_id=mentor, format="one_to_one", goals=GOALS, cadence_days=7, length_weeks=12,
        ground_rules=GroundRulesTemplate())


def started_with_a_comment(client, settings, mentee: UUID, mentor: UUID) -> tuple[UUID, str]:  # noqa: ANN001
    """A relationship started by a confirmed match, active, with the mentee's sealed comment."""
    match = confirmed_match(mentee, mentor)
    send(settings, "matching", match)
    base = f"/v1/relationships/{match.request_id}"
    as_mentee, as_mentor = (
        {"authorization": f"Bearer {token(settings, 'acme', 'participant', person)}"} for person in (mentee, mentor))
    eventually(lambda: client.get(base, headers=as_mentee).status_code == 200, what="the relationship")
    version = client.post(f"{base}/agreement", headers=as_mentee, json={
        "goals": {str(mentee): GOALS}, "end_date": "2027-01-01", "cadence_days": 7,
        "logistics": {"meeting_mode": "video"}}).json()["agreements"][-1]["version"]
    for person in (as_mentee, as_mentor):
        client.post(f"{base}/agreement/sign", headers=person, json={"version": version})
        client.post(f"{base}/ground-rules/acknowledge", headers=person)
    commented = client.post(f"{base}/check-ins", headers=as_mentee,
                            json={"fit": 4, "progress": 3, "comment": "feeling stuck"})
    assert commented.status_code == 200 and commented.json()["status"] == "active", commented.text
    sealed = next(c["comment_ciphertext"] for c in client.app.state.runtime.app.repository.get(
        match.request_id).check_ins if c.get("comment_ciphertext"))
    return match.request_id, sealed


def with_sessions_vault(settings, use):  # noqa: ANN001, ANN201
    """Sessions' own vault on its database, used from the test as the service would."""
    async def run():  # noqa: ANN202
        pool = await asyncpg.create_pool(settings.postgres_dsn(settings.sessions_database), min_size=1,
                                         max_size=1, init=use_standard_uuids)
        try:
            return await use(Vault(pool, settings.vault_ring()))
        finally:
            await pool.close()

    return asyncio.run(run())


def status_of(client, relationship_id: UUID) -> str:  # noqa: ANN001
    return client.app.state.runtime.app.repository.get(relationship_id).status


def test_an_erased_mentee_s_keys_are_gone_and_their_relationship_closes_with_the_reason(api):
    client, settings = api
    mentee, mentor = uuid4(), uuid4()
    relationship_id, sealed = started_with_a_comment(client, settings, mentee, mentor)
    assert key_rows_of(settings, mentee) == 1

    send(settings, "intake", ParticipantErased(participant_id=mentee, program_id=uuid4()))

    eventually(lambda: key_rows_of(settings, mentee) == 0, what="the mentee's keys to be deleted")
    assert status_of(client, relationship_id) == "closed"
    assert closing_reasons(client, relationship_id) == [A_PARTY_LEFT]
    assert client.app.state.runtime.app.repository.get(relationship_id).next_timer_due() is None
    with pytest.raises(Erased):
        with_sessions_vault(settings, lambda vault: vault.open(mentee, sealed))


def test_a_withdrawn_mentor_s_relationship_closes_but_their_keys_stay(api):
    client, settings = api
    mentee, mentor = uuid4(), uuid4()
    relationship_id, _ = started_with_a_comment(client, settings, mentee, mentor)

    send(settings, "intake", ParticipantWithdrew(participant_id=mentor, program_id=uuid4()))

    eventually(lambda: status_of(client, relationship_id) == "closed", what="the relationship to close")
    assert closing_reasons(client, relationship_id) == [A_PARTY_LEFT]
    assert key_rows_of(settings, mentee) == 1, "a withdrawal is not an erasure"


def test_a_match_confirmed_after_the_mentee_was_erased_closes_as_it_starts(api):
    client, settings = api
    mentee, mentor = uuid4(), uuid4()
    match = confirmed_match(mentee, mentor)
    send(settings, "intake", ParticipantErased(participant_id=mentee, program_id=uuid4()))
    send(settings, "matching", match)

    eventually(lambda: find_sync(client.app.state.runtime.app, match.request_id, Relationship),
               what="the late relationship")
    assert status_of(client, match.request_id) == "closed"
    assert closing_reasons(client, match.request_id) == [A_PARTY_LEFT]


def test_a_relationship_saved_before_participations_were_kept_is_found_in_the_lists(api):
    client, settings = api
    mentee, mentor = uuid4(), uuid4()
    # Saved straight into the store, as relationships started before this change were:
    # no participation records it, only the lists do.
    relationship = Relationship(
        id=uuid4(), program_id=uuid4(), organization_id="acme", format="one_to_one",
        parties=relationship_parties(confirmed_match(mentee, mentor)), goals=GOALS, cadence_days=7,
        length_weeks=12, ground_rules={"cancellation_notice_hours": 24}, started_at=datetime.now(UTC))
    client.app.state.runtime.app.save(relationship)
    operator = {"authorization": f"Bearer {token(settings, 'ops', 'operator')}"}
    eventually(lambda: client.get("/v1/relationships", headers=operator, params={"participant": str(mentee)})
               .json()["items"], what="the relationship listed")

    send(settings, "intake", ParticipantWithdrew(participant_id=mentee, program_id=uuid4()))

    eventually(lambda: status_of(client, relationship.id) == "closed", what="the listed relationship to close")
    assert closing_reasons(client, relationship.id) == [A_PARTY_LEFT]


def test_the_keys_are_deleted_in_the_transaction_that_tracks_the_message(api):
    client, settings = api
    person = uuid4()
    with_sessions_vault(settings, lambda vault: vault.seal(person, "a private note"))
    store = client.app.state.runtime.app
    tracking = Tracking(f"test-{uuid4().hex[:8]}|intake:0", 7)
    store.save_tracked(tracking=tracking)  # the message was already handled once
    erased = ParticipantErased(participant_id=person, program_id=uuid4())
    changed = handlers(store)[ParticipantErased](erased, envelope(erased))

    with pytest.raises(IntegrityError):
        store.save_tracked(*changed, tracking=tracking)
    assert key_rows_of(settings, person) == 1, "a transaction that failed deletes nothing"

    # The next message is applied as the runner applies any: the handler runs afresh.
    store.save_tracked(*handlers(store)[ParticipantErased](erased, envelope(erased)),
                       tracking=Tracking(tracking.application_name, 8))
    assert key_rows_of(settings, person) == 0
