from datetime import UTC, datetime
from uuid import uuid4

import pytest

from shared.contracts.intake import MentorshipRequested
from shared.envelope import CloudEvent, UndecodableMessage, decode, event_id


def requested() -> MentorshipRequested:
    return MentorshipRequested(
        request_id=uuid4(), program_id=uuid4(), organization_id="acme", mentee_id=uuid4(),
        format="one_to_one", goals=[{"topic": "Public Speaking", "outcome": "give a talk"}],
        meeting_modes=["video"], preferences={}, requested_at=datetime.now(UTC),
    )


def envelope(contract, **overrides) -> CloudEvent:
    fields = dict(
        id="e1", source="/mentoring/intake", type=contract.cloudevent_type(), subject="s",
        time=datetime.now(UTC), dataschema="urn:x", tenant="acme", correlationid="c",
        sequence="7", data=contract.model_dump(mode="json"),
    )
    fields.update(overrides)
    return CloudEvent(**fields)


def test_an_envelope_survives_the_trip_through_bytes():
    contract = requested()
    original = envelope(contract)
    decoded = decode(original.to_bytes())
    assert decoded == original
    assert decoded.contract() == contract
    assert decoded.sequence_number == 7


def test_the_type_names_service_event_and_version():
    assert MentorshipRequested.cloudevent_type() == "mentoring.intake.MentorshipRequested.v1"


@pytest.mark.parametrize("raw", [b"", b"{oops", b'{"specversion": "1.0"}', b"[]"])
def test_bytes_that_are_not_a_cloudevent_are_undecodable(raw):
    with pytest.raises(UndecodableMessage):
        decode(raw)


def test_an_unknown_event_type_is_undecodable_with_the_type_in_the_reason():
    with pytest.raises(UndecodableMessage, match="mentoring.intake.Nope.v1"):
        envelope(requested(), type="mentoring.intake.Nope.v1").contract()


def test_data_that_breaks_the_contract_is_undecodable():
    broken = envelope(requested(), data={"request_id": "not-a-uuid"})
    with pytest.raises(UndecodableMessage, match="data invalid"):
        broken.contract()


def test_event_ids_are_stable_for_the_same_aggregate_version_and_differ_otherwise():
    aggregate = uuid4()
    assert event_id(aggregate, 3) == event_id(aggregate, 3)
    assert event_id(aggregate, 3) != event_id(aggregate, 4)


def test_the_envelope_refuses_a_non_numeric_sequence():
    with pytest.raises(ValueError):
        envelope(requested(), sequence="abc")
