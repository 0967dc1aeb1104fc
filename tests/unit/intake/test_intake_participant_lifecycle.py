"""Enrolment, then a participant's availability, withdrawal, erasure, profile and
pay-it-forward offer, and the open requests kept on them."""

from uuid import uuid4

import pytest

from shared.errors import RuleViolated
from services.intake.domain.enrolment_rules import check_can_enrol
from services.intake.domain.participant import Participant
from tests.unit.intake.test_intake_kit import (
    PERSONAL_CIPHERTEXT,
    an_id,
    enrolled,
    names,
    open_program,
    profile_for,
    refused,
    replay,
    settled,
    state_of,
)

# --- enrolment -------------------------------------------------------------------------------


def test_enrolling_with_consent_makes_an_active_participant_at_profile_version_one():
    leaders = open_program()
    ident, profile = an_id(), profile_for("mentee")
    ada = Participant.enrol(id=ident, program_id=leaders.id, organization_id="acme", profile=profile,
                            consent_given=True, personal_ciphertext=PERSONAL_CIPHERTEXT)
    assert (ada.id, ada.program_id, ada.organization_id) == (ident, leaders.id, "acme")
    assert (ada.status, ada.is_active, ada.profile_version, ada.erased) == ("active", True, 1, False)
    assert ada.profile == profile and ada.roles == "mentee"
    assert ada.consent_given is True
    assert ada.personal_ciphertext == PERSONAL_CIPHERTEXT
    assert ada.pending_mentor_offer is None and ada.open_requests == {}
    assert names(ada.collect_events()) == ["ParticipantEnrolled"]


def test_enrolling_without_consent_is_refused_and_records_nothing():
    leaders = open_program()
    with pytest.raises(RuleViolated) as refusal:
        Participant.enrol(id=an_id(), program_id=leaders.id, organization_id="acme", profile=profile_for(),
                          consent_given=False, personal_ciphertext=PERSONAL_CIPHERTEXT)
    assert refusal.value.kind == "consent-required"


@pytest.mark.parametrize("organization", ["acme", "globex"])
def test_an_organization_taking_part_may_enrol_into_an_open_program(organization):
    check_can_enrol(open_program(organizations=("acme", "globex")), organization)


def test_an_organization_may_enrol_into_a_paused_program():
    leaders = open_program()
    leaders.pause()
    check_can_enrol(leaders, "acme")


def test_an_organization_not_taking_part_cannot_enrol_anyone():
    leaders = open_program(organizations=("acme",))
    settled(leaders)
    with pytest.raises(RuleViolated) as refusal:
        check_can_enrol(leaders, "initech")
    assert refusal.value.kind == "organization-not-in-program"
    assert leaders.collect_events() == []


def test_nobody_can_be_enrolled_into_a_closed_program_even_by_a_partner():
    leaders = open_program(organizations=("acme",))
    leaders.close()
    settled(leaders)
    with pytest.raises(RuleViolated) as refusal:
        check_can_enrol(leaders, "acme")
    assert refusal.value.kind == "program-closed"
    assert leaders.collect_events() == []


def test_a_closed_program_refuses_as_closed_before_looking_at_the_organization():
    leaders = open_program(organizations=("acme",))
    leaders.close()
    with pytest.raises(RuleViolated) as refusal:
        check_can_enrol(leaders, "initech")
    assert refusal.value.kind == "program-closed"


# --- availability ----------------------------------------------------------------------------


def test_an_active_participant_can_pause_their_availability():
    ada = enrolled(open_program())
    settled(ada)
    ada.pause()
    assert (ada.status, ada.is_active) == ("paused", False)
    assert names(ada.collect_events()) == ["ParticipantAvailabilityChanged"]


def test_pausing_a_participant_who_is_already_paused_is_refused():
    ada = enrolled(open_program())
    ada.pause()
    refused("participant-already-paused", ada.pause, ada)


def test_a_paused_participant_can_resume():
    ada = enrolled(open_program())
    ada.pause()
    settled(ada)
    ada.resume()
    assert (ada.status, ada.is_active) == ("active", True)
    assert names(ada.collect_events()) == ["ParticipantAvailabilityChanged"]


def test_resuming_a_participant_who_is_already_active_is_refused():
    ada = enrolled(open_program())
    refused("participant-already-active", ada.resume, ada)


# --- withdrawal ------------------------------------------------------------------------------


@pytest.mark.parametrize("paused_first", [False, True], ids=["while-active", "while-paused"])
def test_a_participant_can_withdraw_whether_active_or_paused(paused_first):
    ada = enrolled(open_program())
    if paused_first:
        ada.pause()
    settled(ada)
    ada.withdraw()
    assert (ada.status, ada.is_active, ada.erased) == ("withdrawn", False, False)
    assert ada.personal_ciphertext == PERSONAL_CIPHERTEXT, "withdrawing is not erasure"
    assert names(ada.collect_events()) == ["ParticipantWithdrew"]


@pytest.mark.parametrize("command", [
    "pause", "resume", "withdraw", "update_profile", "offer_to_mentor", "confirm_mentor_enrolment",
    "note_request_opened",
])
def test_a_withdrawn_participant_is_refused_everything_but_erasure(command):
    ada = enrolled(open_program())
    ada.offer_to_mentor(an_id())  # so confirming would otherwise be allowed
    ada.withdraw()
    act = {
        "pause": ada.pause,
        "resume": ada.resume,
        "withdraw": ada.withdraw,
        "update_profile": lambda: ada.update_profile(profile_for(capacity=3)),
        "offer_to_mentor": lambda: ada.offer_to_mentor(an_id()),
        "confirm_mentor_enrolment": ada.confirm_mentor_enrolment,
        "note_request_opened": lambda: ada.note_request_opened(an_id(), ["negotiation"]),
    }[command]
    refused("participant-withdrawn", act, ada)
    assert ada.status == "withdrawn"


def test_withdrawing_drops_the_open_requests_of_the_participant():
    ada = enrolled(open_program())
    ada.note_request_opened(an_id(), ["leadership"])
    ada.withdraw()
    assert ada.open_requests == {}


# --- erasure ---------------------------------------------------------------------------------


def test_erasing_an_active_participant_clears_the_sealed_personal_data():
    ada = enrolled(open_program())
    settled(ada)
    ada.erase()
    assert ada.erased is True
    assert ada.personal_ciphertext is None
    assert ada.status == "withdrawn" and not ada.is_active
    assert names(ada.collect_events()) == ["ParticipantErased"]


def test_a_withdrawn_participant_can_still_be_erased():
    ada = enrolled(open_program())
    ada.withdraw()
    settled(ada)
    ada.erase()
    assert (ada.erased, ada.personal_ciphertext, ada.status) == (True, None, "withdrawn")
    assert names(ada.collect_events()) == ["ParticipantErased"]


def test_a_paused_participant_can_be_erased():
    ada = enrolled(open_program())
    ada.pause()
    ada.erase()
    assert (ada.erased, ada.personal_ciphertext, ada.status) == (True, None, "withdrawn")


def test_erasing_drops_the_open_requests_of_the_participant():
    ada = enrolled(open_program())
    ada.note_request_opened(an_id(), ["leadership"])
    ada.erase()
    assert ada.open_requests == {}


@pytest.mark.parametrize("command", [
    "erase", "pause", "resume", "withdraw", "update_profile", "offer_to_mentor", "confirm_mentor_enrolment",
    "note_request_opened",
])
def test_nothing_is_allowed_after_erasure(command):
    ada = enrolled(open_program())
    ada.offer_to_mentor(an_id())
    ada.erase()
    act = {
        "erase": ada.erase,
        "pause": ada.pause,
        "resume": ada.resume,
        "withdraw": ada.withdraw,
        "update_profile": lambda: ada.update_profile(profile_for(capacity=3)),
        "offer_to_mentor": lambda: ada.offer_to_mentor(an_id()),
        "confirm_mentor_enrolment": ada.confirm_mentor_enrolment,
        "note_request_opened": lambda: ada.note_request_opened(an_id(), ["negotiation"]),
    }[command]
    refused("participant-erased", act, ada)
    assert ada.personal_ciphertext is None


def test_settling_a_request_after_erasure_records_nothing():
    ada = enrolled(open_program())
    ask = an_id()
    ada.note_request_opened(ask, ["leadership"])
    ada.erase()
    settled(ada)
    ada.note_request_settled(ask)
    assert ada.collect_events() == [] and ada.open_requests == {}


# --- profile ---------------------------------------------------------------------------------


def test_updating_the_profile_replaces_it_and_bumps_the_profile_version():
    ada = enrolled(open_program())
    settled(ada)
    newer = profile_for(wants=["negotiation"], capacity=3)
    ada.update_profile(newer)
    assert (ada.profile, ada.profile_version) == (newer, 2)
    assert names(ada.collect_events()) == ["ParticipantProfileUpdated"]
    ada.update_profile(profile_for(capacity=4))
    assert ada.profile_version == 3


def test_a_paused_participant_can_update_their_profile():
    ada = enrolled(open_program())
    ada.pause()
    ada.update_profile(profile_for(capacity=5))
    assert (ada.profile_version, ada.status) == (2, "paused")


@pytest.mark.parametrize(("roles", "can_be_mentee"), [("mentee", True), ("both", True), ("mentor", False)])
def test_only_mentees_and_people_who_do_both_can_be_mentees(roles, can_be_mentee):
    assert enrolled(open_program(), roles=roles).can_be_mentee() is can_be_mentee


# --- paying it forward -----------------------------------------------------------------------


def test_a_mentee_can_offer_to_mentor_which_stays_pending_until_confirmed():
    ada = enrolled(open_program(), roles="mentee")
    settled(ada)
    relationship = an_id()
    ada.offer_to_mentor(relationship)
    assert ada.pending_mentor_offer == relationship
    assert (ada.roles, ada.profile_version) == ("mentee", 1), "an offer alone changes no role"
    assert names(ada.collect_events()) == ["MentorEnrolmentOffered"]


def test_confirming_the_offer_makes_the_mentee_both_and_bumps_the_profile_version():
    ada = enrolled(open_program(), roles="mentee")
    ada.offer_to_mentor(an_id())
    settled(ada)
    ada.confirm_mentor_enrolment()
    assert ada.roles == "both" and ada.profile["roles"] == "both"
    assert ada.profile_version == 2
    assert ada.pending_mentor_offer is None
    assert ada.can_be_mentee(), "someone who does both still asks for mentoring"
    assert names(ada.collect_events()) == ["MentorEnrolmentConfirmed"]


def test_confirming_keeps_the_rest_of_the_profile():
    ada = enrolled(open_program(), roles="mentee")
    before = dict(ada.profile)
    ada.offer_to_mentor(an_id())
    ada.confirm_mentor_enrolment()
    assert {k: v for k, v in ada.profile.items() if k != "roles"} == {
        k: v for k, v in before.items() if k != "roles"}


def test_confirming_without_a_pending_offer_is_refused():
    ada = enrolled(open_program(), roles="mentee")
    refused("no-pending-mentor-offer", ada.confirm_mentor_enrolment, ada)


def test_confirming_twice_is_refused_the_second_time():
    ada = enrolled(open_program(), roles="mentee")
    ada.offer_to_mentor(an_id())
    ada.confirm_mentor_enrolment()
    refused("no-pending-mentor-offer", ada.confirm_mentor_enrolment, ada)


@pytest.mark.parametrize("roles", ["mentor", "both"])
def test_someone_who_already_mentors_cannot_be_offered_to_mentor(roles):
    grace = enrolled(open_program(), roles=roles)
    refused("already-a-mentor", lambda: grace.offer_to_mentor(an_id()), grace)
    assert grace.pending_mentor_offer is None


def test_a_former_mentee_confirmed_as_mentor_cannot_be_offered_again():
    ada = enrolled(open_program(), roles="mentee")
    ada.offer_to_mentor(an_id())
    ada.confirm_mentor_enrolment()
    refused("already-a-mentor", lambda: ada.offer_to_mentor(an_id()), ada)


# --- open requests on the mentee -------------------------------------------------------------


def test_noting_an_opened_request_keeps_its_topics_sorted_under_its_id():
    ada = enrolled(open_program())
    settled(ada)
    ask = an_id()
    ada.note_request_opened(ask, ["sql", "leadership"])
    assert ada.open_requests == {str(ask): ["leadership", "sql"]}
    assert names(ada.collect_events()) == ["ParticipantRequestOpened"]


def test_settling_an_open_request_removes_only_that_one():
    ada = enrolled(open_program())
    first, second = an_id(), an_id()
    ada.note_request_opened(first, ["a"])
    ada.note_request_opened(second, ["b"])
    settled(ada)
    ada.note_request_settled(first)
    assert ada.open_requests == {str(second): ["b"]}
    assert names(ada.collect_events()) == ["ParticipantRequestSettled"]


def test_settling_a_request_that_is_not_open_records_nothing():
    ada = enrolled(open_program())
    ada.note_request_opened(an_id(), ["a"])
    settled(ada)
    ada.note_request_settled(uuid4())
    assert ada.collect_events() == [] and len(ada.open_requests) == 1


def test_a_paused_mentee_still_keeps_count_of_open_requests():
    ada = enrolled(open_program())
    ada.pause()
    ada.note_request_opened(an_id(), ["a"])
    assert len(ada.open_requests) == 1


# --- replay ----------------------------------------------------------------------------------


def test_a_participant_rebuilt_from_their_events_has_the_same_state():
    ada = enrolled(open_program(), roles="mentee")
    ask = an_id()
    ada.pause()
    ada.resume()
    ada.update_profile(profile_for(capacity=3))
    ada.note_request_opened(ask, ["leadership"])
    ada.note_request_opened(an_id(), ["sql"])
    ada.note_request_settled(ask)
    ada.offer_to_mentor(an_id())
    ada.confirm_mentor_enrolment()
    ada.withdraw()
    ada.erase()
    events = ada.collect_events()
    rebuilt = replay(events)
    assert isinstance(rebuilt, Participant)
    assert state_of(rebuilt) == state_of(ada)
    assert (rebuilt.personal_ciphertext, rebuilt.erased, rebuilt.roles, rebuilt.profile_version) == (
        None, True, "both", 3)
