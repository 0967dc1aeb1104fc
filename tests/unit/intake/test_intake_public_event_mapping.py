"""to_public(event, aggregate_after): which intake events leave the service, as which
contract, keyed and scoped how, and that sealed text never leaves."""

from typing import Any
from uuid import UUID

import pytest

from shared.contracts import intake as contracts
from shared.contracts.base import EventContract
from shared.publishing import PublicEvent
from services.intake.domain.mentorship_request import MentorshipRequest
from services.intake.domain.participant import Participant
from services.intake.publishing import OPERATOR_TENANT, to_public
from tests.unit.intake.test_intake_kit import (
    MESSAGE_CIPHERTEXT,
    PERSONAL_CIPHERTEXT,
    an_id,
    enrolled,
    goals,
    new_request,
    open_program,
    preferences,
    profile_for,
    program_settings,
)

CONTRACTS_MODULE = "shared.contracts.intake"


def publish_all(aggregate: Any, previous: Any = None) -> list[tuple[str, Any, PublicEvent | None]]:
    """Maps each pending event with the state it leaves the aggregate in, as the relay does."""
    state = previous
    mapped = []
    for event in aggregate.collect_events():
        state = event.mutate(state)
        mapped.append((type(event).__name__, state, to_public(event, state)))
    return mapped


def only(mapped: list[tuple[str, Any, PublicEvent | None]]) -> tuple[str, Any, PublicEvent | None]:
    assert len(mapped) == 1, [name for name, _, _ in mapped]
    return mapped[0]


def leaks(public: PublicEvent) -> bool:
    text = public.contract.model_dump_json()
    return PERSONAL_CIPHERTEXT in text or MESSAGE_CIPHERTEXT in text or "SEALED" in text


# --- programs --------------------------------------------------------------------------------


def test_opening_a_program_publishes_program_opened_with_its_terms_to_the_operator():
    leaders = open_program(cap=4)
    name, _, public = only(publish_all(leaders))
    assert name == "ProgramOpened"
    assert type(public.contract).__name__ == "ProgramOpened"
    assert isinstance(public.contract, contracts.ProgramOpened)
    assert public.contract.program_id == leaders.id
    assert public.contract.terms.max_open_requests_per_mentee == 4
    assert (public.key, public.tenant, public.program, public.relationship) == (
        leaders.id, OPERATOR_TENANT, leaders.id, None)


def test_the_program_description_for_people_is_not_published():
    leaders = open_program()
    _, _, public = only(publish_all(leaders))
    assert "description" not in public.contract.model_dump()["terms"]
    assert "first-time managers" not in public.contract.model_dump_json()


def test_a_settings_change_publishes_program_changed_with_the_new_terms_and_policy_version():
    leaders = open_program()
    leaders.change_settings(program_settings(cap=6, cadence_days=7))
    (_, _, opened), (name, _, public) = publish_all(leaders)
    assert isinstance(opened.contract, contracts.ProgramOpened)
    assert name == "ProgramSettingsChanged"
    assert isinstance(public.contract, contracts.ProgramChanged)
    assert (public.contract.policy_version, public.contract.status) == (2, "open")
    assert (public.contract.terms.max_open_requests_per_mentee, public.contract.terms.cadence_days) == (6, 7)
    assert (public.key, public.tenant, public.program) == (leaders.id, OPERATOR_TENANT, leaders.id)


@pytest.mark.parametrize(("commands", "status"), [
    (("pause",), "paused"), (("pause", "reopen"), "open"), (("close",), "closed"), (("pause", "close"), "closed")])
def test_each_status_change_publishes_program_changed_with_the_new_status(commands, status):
    leaders = open_program()
    for command in commands:
        getattr(leaders, command)()
    mapped = publish_all(leaders)
    _, _, last = mapped[-1]
    assert [type(p.contract).__name__ for _, _, p in mapped] == ["ProgramOpened"] + ["ProgramChanged"] * len(commands)
    assert isinstance(last.contract, contracts.ProgramChanged)
    assert (last.contract.status, last.contract.policy_version) == (status, 1)
    assert (last.key, last.tenant, last.program) == (leaders.id, OPERATOR_TENANT, leaders.id)


# --- participants ----------------------------------------------------------------------------

PARTICIPANT_CONTRACTS = {
    "ParticipantEnrolled": contracts.ParticipantEnrolled,
    "ParticipantAvailabilityChanged": contracts.ParticipantAvailabilityChanged,
    "ParticipantProfileUpdated": contracts.ParticipantProfileUpdated,
    "MentorEnrolmentOffered": contracts.MentorEnrolmentPending,
    "MentorEnrolmentConfirmed": contracts.ParticipantProfileUpdated,
    "ParticipantWithdrew": contracts.ParticipantWithdrew,
    "ParticipantErased": contracts.ParticipantErased,
}


def a_whole_participant_life() -> Participant:
    leaders = open_program()
    ada = enrolled(leaders, organization="globex")
    ada.pause()
    ada.resume()
    ada.update_profile(profile_for(organization="globex", capacity=3))
    ada.note_request_opened(ask := an_id(), ["leadership"])
    ada.note_request_settled(ask)
    ada.offer_to_mentor(an_id())
    ada.confirm_mentor_enrolment()
    ada.withdraw()
    ada.erase()
    return ada


def test_each_public_participant_event_maps_to_its_intake_contract():
    mapped = publish_all(a_whole_participant_life())
    public_names = [(name, type(public.contract).__name__) for name, _, public in mapped if public]
    assert public_names == [
        ("ParticipantEnrolled", "ParticipantEnrolled"),
        ("ParticipantAvailabilityChanged", "ParticipantAvailabilityChanged"),
        ("ParticipantAvailabilityChanged", "ParticipantAvailabilityChanged"),
        ("ParticipantProfileUpdated", "ParticipantProfileUpdated"),
        ("MentorEnrolmentOffered", "MentorEnrolmentPending"),
        ("MentorEnrolmentConfirmed", "ParticipantProfileUpdated"),
        ("ParticipantWithdrew", "ParticipantWithdrew"),
        ("ParticipantErased", "ParticipantErased"),
    ]
    for name, _, public in mapped:
        if public is None:
            continue
        assert type(public.contract) is PARTICIPANT_CONTRACTS[name]
        assert type(public.contract).__module__ == CONTRACTS_MODULE
        assert isinstance(public.contract, EventContract)


def test_participant_events_are_keyed_by_the_participant_and_scoped_to_their_organization():
    ada = a_whole_participant_life()
    for name, _, public in publish_all(ada):
        if public is None:
            continue
        assert public.key == ada.id, name
        assert public.tenant == "globex", name
        assert public.program == ada.program_id, name
        assert public.relationship is None, name
        assert public.contract.participant_id == ada.id and public.contract.program_id == ada.program_id


def test_an_enrolment_publishes_the_matchable_profile_its_version_and_organization():
    leaders = open_program()
    ada = enrolled(leaders, roles="both")
    _, _, public = only(publish_all(ada))
    assert isinstance(public.contract, contracts.ParticipantEnrolled)
    assert (public.contract.organization_id, public.contract.profile_version) == ("acme", 1)
    assert public.contract.profile.model_dump(mode="json") == ada.profile
    assert public.contract.profile.roles == "both"


@pytest.mark.parametrize(("pause_then_resume", "available"), [(("pause",), False), (("pause", "resume"), True)])
def test_availability_changes_publish_whether_the_participant_is_available(pause_then_resume, available):
    ada = enrolled(open_program())
    for command in pause_then_resume:
        getattr(ada, command)()
    *_, (_, _, public) = publish_all(ada)
    assert isinstance(public.contract, contracts.ParticipantAvailabilityChanged)
    assert public.contract.available is available


def test_a_profile_update_publishes_the_new_profile_and_its_version():
    ada = enrolled(open_program())
    ada.update_profile(profile_for(capacity=5, wants=["negotiation"]))
    *_, (_, _, public) = publish_all(ada)
    assert isinstance(public.contract, contracts.ParticipantProfileUpdated)
    assert (public.contract.profile_version, public.contract.profile.capacity) == (2, 5)
    assert public.contract.profile.wants == ["negotiation"]


def test_an_offer_to_mentor_publishes_a_pending_mentor_enrolment_for_the_relationship():
    ada = enrolled(open_program())
    relationship = an_id()
    ada.offer_to_mentor(relationship)
    *_, (_, _, public) = publish_all(ada)
    assert isinstance(public.contract, contracts.MentorEnrolmentPending)
    assert public.contract.relationship_id == relationship


def test_a_confirmed_mentor_enrolment_publishes_the_profile_now_doing_both():
    ada = enrolled(open_program())
    ada.offer_to_mentor(an_id())
    ada.confirm_mentor_enrolment()
    *_, (_, _, public) = publish_all(ada)
    assert isinstance(public.contract, contracts.ParticipantProfileUpdated)
    assert (public.contract.profile.roles, public.contract.profile_version) == ("both", 2)


@pytest.mark.parametrize("bookkeeping", ["opened", "settled"])
def test_request_bookkeeping_on_the_participant_is_not_published(bookkeeping):
    ada = enrolled(open_program())
    ask = an_id()
    ada.note_request_opened(ask, ["leadership"])
    if bookkeeping == "settled":
        ada.note_request_settled(ask)
    *_, (name, _, public) = publish_all(ada)
    assert name == {"opened": "ParticipantRequestOpened", "settled": "ParticipantRequestSettled"}[bookkeeping]
    assert public is None


# --- requests --------------------------------------------------------------------------------


def test_a_new_request_publishes_mentorship_requested_keyed_by_the_request_as_relationship():
    leaders = open_program(formats=("reciprocal",))
    ada, bea = enrolled(leaders, roles="both"), enrolled(leaders, roles="both", organization="acme")
    ask = new_request(leaders, ada, topics=("leadership", "sql"), format="reciprocal", co_mentee=bea)
    name, _, public = only(publish_all(ask))
    assert name == "MentorshipRequested"
    assert type(public.contract) is contracts.MentorshipRequested
    assert type(public.contract).__module__ == CONTRACTS_MODULE
    contract = public.contract
    assert (contract.request_id, contract.program_id, contract.organization_id) == (ask.id, leaders.id, "acme")
    assert (contract.mentee_id, contract.co_mentee_id, contract.format) == (ada.id, bea.id, "reciprocal")
    assert [goal.topic for goal in contract.goals] == ["leadership", "sql"]
    assert contract.preferences.avoid == ["organization:initech"]
    assert contract.requested_at == ask.requested_at
    assert (public.key, public.tenant, public.program, public.relationship) == (
        ask.id, "acme", leaders.id, ask.id)


def test_a_request_naming_a_mentor_publishes_the_mentor_but_never_the_sealed_message():
    leaders = open_program()
    ada, grace = enrolled(leaders), enrolled(leaders, roles="mentor")
    ask = new_request(leaders, ada, named_mentor=grace, message=MESSAGE_CIPHERTEXT)
    _, _, public = only(publish_all(ask))
    assert public.contract.named_mentor_id == grace.id
    assert "message" not in public.contract.model_dump()
    assert not leaks(public)


def test_editing_a_request_publishes_the_new_goals_modes_and_preferences():
    ask = new_request(open_program(), enrolled(open_program()))
    ask.update(goals("negotiation"), ["phone", "chat"], preferences(must_have=("language:fr",)))
    (_, _, requested), (name, _, public) = publish_all(ask)
    assert type(requested.contract) is contracts.MentorshipRequested and name == "MentorshipRequestUpdated"
    assert type(public.contract) is contracts.MentorshipRequestUpdated
    assert [goal.topic for goal in public.contract.goals] == ["negotiation"]
    assert public.contract.meeting_modes == ["phone", "chat"]
    assert public.contract.preferences.must_have == ["language:fr"]
    assert (public.key, public.tenant, public.relationship) == (ask.id, ask.organization_id, ask.id)


def test_withdrawing_a_request_publishes_mentorship_request_withdrawn():
    ask = new_request(open_program(), enrolled(open_program()))
    ask.withdraw()
    *_, (_, _, public) = publish_all(ask)
    assert type(public.contract) is contracts.MentorshipRequestWithdrawn
    assert (public.contract.request_id, public.contract.program_id) == (ask.id, ask.program_id)
    assert (public.key, public.tenant, public.relationship) == (ask.id, ask.organization_id, ask.id)


@pytest.mark.parametrize("ending", [("match",), ("close",), ("match", "close")])
def test_matched_and_closed_requests_are_not_published(ending):
    ask = new_request(open_program(), enrolled(open_program()))
    for step in ending:
        ask.mark_matched(an_id()) if step == "match" else ask.mark_closed()
    mapped = publish_all(ask)
    assert [name for name, _, _ in mapped[1:]] == [
        {"match": "MentorshipRequestMatched", "close": "MentorshipRequestClosed"}[step] for step in ending]
    assert all(public is None for _, _, public in mapped[1:])


# --- sealed text never leaves ----------------------------------------------------------------


def test_no_public_event_of_any_intake_aggregate_contains_sealed_text():
    leaders = open_program(formats=("one_to_one", "reciprocal"))
    ada = enrolled(leaders)
    bea, cy = enrolled(leaders, roles="both"), enrolled(leaders, roles="both")
    grace = enrolled(leaders, roles="mentor")
    named = new_request(leaders, ada, named_mentor=grace, message=MESSAGE_CIPHERTEXT)
    named.update(goals("negotiation"), ["phone"], preferences())
    named.withdraw()
    named.mark_closed()
    again = MentorshipRequest.rematch_of(named, an_id(), grace.id, named.requested_at)
    reciprocal = new_request(leaders, bea, format="reciprocal", co_mentee=cy, message=MESSAGE_CIPHERTEXT)
    reciprocal.mark_matched(grace.id)
    ada.note_request_opened(named.id, ["leadership"])
    ada.offer_to_mentor(named.id)
    ada.confirm_mentor_enrolment()
    ada.update_profile(profile_for(roles="both", capacity=4))
    ada.pause()
    ada.resume()
    ada.withdraw()
    ada.erase()
    grace.erase()
    leaders.change_settings(program_settings(cap=2))
    leaders.pause()
    leaders.close()
    published = [public for aggregate in (leaders, ada, bea, cy, grace, named, again, reciprocal)
                 for _, _, public in publish_all(aggregate) if public is not None]
    assert len(published) >= 15
    for public in published:
        text = public.contract.model_dump_json()
        assert PERSONAL_CIPHERTEXT not in text, type(public.contract).__name__
        assert MESSAGE_CIPHERTEXT not in text, type(public.contract).__name__
        assert "SEALED" not in text and "ciphertext" not in text


def test_the_sealed_text_is_in_the_domain_events_that_stay_inside_intake():
    """The check above means something: the recorded events do hold the sealed text."""
    leaders = open_program()
    ada = enrolled(leaders)
    ask = new_request(leaders, ada, named_mentor=enrolled(leaders, roles="mentor"), message=MESSAGE_CIPHERTEXT)
    (enrolment,) = ada.collect_events()
    (requested,) = ask.collect_events()
    assert enrolment.personal_ciphertext == PERSONAL_CIPHERTEXT
    assert requested.message_ciphertext == MESSAGE_CIPHERTEXT


# --- anything else ---------------------------------------------------------------------------


def test_an_event_of_an_aggregate_intake_does_not_own_is_not_published():
    class Stranger:
        id: UUID = an_id()

    assert to_public(object(), Stranger()) is None
