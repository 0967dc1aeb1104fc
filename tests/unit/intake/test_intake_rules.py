"""Every intake rule and transition, including the illegal ones."""

from uuid import uuid4

import pytest

from shared.errors import RuleViolated
from services.intake.domain.enrolment_rules import check_can_enrol
from services.intake.domain.participant import Participant
from services.intake.domain.request_rules import check_can_request
from tests.unit.intake.builders import goals, person, program, request


def refused(kind, command, *aggregates):  # noqa: ANN001
    for aggregate in aggregates:
        aggregate.collect_events()
    with pytest.raises(RuleViolated) as refusal:
        command()
    assert refusal.value.kind == kind
    for aggregate in aggregates:
        assert aggregate.collect_events() == [], "a refused command records nothing"


def test_closing_a_program_is_final():
    leaders = program()
    leaders.close()
    refused("program-closed", leaders.reopen, leaders)
    refused("program-closed", leaders.pause, leaders)
    refused("program-closed", lambda: leaders.change_settings(leaders.settings), leaders)


def test_a_program_pauses_and_reopens_but_not_twice_in_a_row():
    leaders = program()
    leaders.pause()
    refused("program-already-paused", leaders.pause, leaders)
    leaders.reopen()
    refused("program-already-open", leaders.reopen, leaders)


def test_changing_a_program_bumps_its_policy_version():
    leaders = program()
    leaders.change_settings({**leaders.settings, "cadence_days": 21})
    assert (leaders.policy_version, leaders.settings["cadence_days"]) == (2, 21)


def test_enrolment_needs_consent():
    leaders = program()
    with pytest.raises(RuleViolated) as refusal:
        Participant.enrol(id=uuid4(), program_id=leaders.id, organization_id="acme", profile={},
                          consent_given=False, personal_ciphertext="x")
    assert refusal.value.kind == "consent-required"


def test_enrolment_needs_an_organization_taking_part_and_a_program_not_closed():
    leaders = program()
    with pytest.raises(RuleViolated, match="does not take part"):
        check_can_enrol(leaders, "initech")
    leaders.close()
    with pytest.raises(RuleViolated) as refusal:
        check_can_enrol(leaders, "acme")
    assert refusal.value.kind == "program-closed"


def test_a_participant_pauses_resumes_and_withdraws_for_good():
    leaders = program()
    ada = person(leaders)
    ada.pause()
    refused("participant-already-paused", ada.pause, ada)
    ada.resume()
    refused("participant-already-active", ada.resume, ada)
    ada.withdraw()
    refused("participant-withdrawn", ada.resume, ada)
    refused("participant-withdrawn", lambda: ada.update_profile(ada.profile), ada)


def test_erasure_clears_personal_data_even_after_withdrawal_and_then_nothing_changes():
    ada = person(program())
    ada.withdraw()
    ada.erase()
    assert ada.personal_ciphertext is None and ada.erased
    refused("participant-erased", ada.erase, ada)
    refused("participant-erased", lambda: ada.update_profile(ada.profile), ada)


def test_a_profile_update_bumps_the_profile_version():
    ada = person(program())
    ada.update_profile({**ada.profile, "wants": ["negotiation"]})
    assert ada.profile_version == 2


def test_a_finished_mentee_offering_to_mentor_becomes_both_once_confirmed():
    ada = person(program())
    refused("no-pending-mentor-offer", ada.confirm_mentor_enrolment, ada)
    relationship = uuid4()
    ada.offer_to_mentor(relationship)
    assert ada.pending_mentor_offer == relationship
    ada.confirm_mentor_enrolment()
    assert (ada.roles, ada.profile_version, ada.pending_mentor_offer) == ("both", 2, None)


def test_a_mentor_is_not_offered_to_mentor_again():
    grace = person(program(), roles="mentor")
    refused("already-a-mentor", lambda: grace.offer_to_mentor(uuid4()), grace)


@pytest.mark.parametrize(("setup", "kind"), [
    (lambda p, m: p.pause(), "program-not-open"),
    (lambda p, m: p.close(), "program-not-open"),
    (lambda p, m: m.pause(), "participant-not-active"),
    (lambda p, m: m.withdraw(), "participant-not-active"),
])
def test_a_request_needs_an_open_program_and_an_active_mentee(setup, kind):
    leaders = program()
    ada = person(leaders)
    setup(leaders, ada)
    with pytest.raises(RuleViolated) as refusal:
        check_can_request(leaders, ada, None, None, "one_to_one", goals("leadership"))
    assert refusal.value.kind == kind


def test_a_request_in_a_format_the_program_does_not_offer_is_refused():
    leaders = program(formats=["one_to_one"])
    with pytest.raises(RuleViolated) as refusal:
        check_can_request(leaders, person(leaders), None, None, "group", goals("x"))
    assert refusal.value.kind == "format-not-allowed"


@pytest.mark.parametrize("count", [0, 6])
def test_a_request_states_one_to_five_goals(count):
    leaders = program()
    with pytest.raises(RuleViolated) as refusal:
        check_can_request(leaders, person(leaders), None, None, "one_to_one", goals(*[f"t{n}" for n in range(count)]))
    assert refusal.value.kind == "goal-count"


def test_someone_enrolled_in_another_program_cannot_request_here():
    leaders, other = program(), program()
    with pytest.raises(RuleViolated) as refusal:
        check_can_request(leaders, person(other), None, None, "one_to_one", goals("x"))
    assert refusal.value.kind == "not-enrolled"


def test_a_mentor_only_participant_cannot_request_mentoring():
    leaders = program()
    with pytest.raises(RuleViolated) as refusal:
        check_can_request(leaders, person(leaders, roles="mentor"), None, None, "one_to_one", goals("x"))
    assert refusal.value.kind == "not-a-mentee"


def test_reciprocal_requests_name_both_people_and_others_name_one():
    leaders = program(formats=["one_to_one", "reciprocal"])
    ada, bea = person(leaders, roles="both"), person(leaders, roles="both")
    with pytest.raises(RuleViolated, match="names both people"):
        check_can_request(leaders, ada, None, None, "reciprocal", goals("x"))
    with pytest.raises(RuleViolated) as refusal:
        check_can_request(leaders, ada, bea, None, "one_to_one", goals("x"))
    assert refusal.value.kind == "co-mentee-not-allowed"
    check_can_request(leaders, ada, bea, None, "reciprocal", goals("x"))


def test_a_named_mentor_must_be_another_active_mentor_of_the_program():
    leaders = program()
    ada, peer, grace = person(leaders), person(leaders), person(leaders, roles="mentor")
    for named, kind in ((ada, "named-mentor-is-mentee"), (peer, "named-person-not-a-mentor")):
        with pytest.raises(RuleViolated) as refusal:
            check_can_request(leaders, ada, None, named, "one_to_one", goals("x"))
        assert refusal.value.kind == kind
    grace.pause()
    with pytest.raises(RuleViolated) as refusal:
        check_can_request(leaders, ada, None, grace, "one_to_one", goals("x"))
    assert refusal.value.kind == "participant-not-active"


def test_the_open_request_cap_stops_over_requesting():
    leaders = program(cap=2)
    ada = person(leaders)
    ada.note_request_opened(uuid4(), ["a"])
    ada.note_request_opened(uuid4(), ["b"])
    with pytest.raises(RuleViolated) as refusal:
        check_can_request(leaders, ada, None, None, "one_to_one", goals("c"))
    assert refusal.value.kind == "open-request-cap-reached"


def test_an_open_request_for_the_same_goals_is_a_duplicate_whatever_the_case():
    leaders = program(cap=3)
    ada = person(leaders)
    ada.note_request_opened(uuid4(), ["leadership", "sql"])
    with pytest.raises(RuleViolated) as refusal:
        check_can_request(leaders, ada, None, None, "one_to_one", goals("SQL", "Leadership"))
    assert refusal.value.kind == "duplicate-open-request"
    check_can_request(leaders, ada, None, None, "one_to_one", goals("negotiation"))


def test_a_settled_request_frees_the_mentee_to_ask_again():
    leaders = program(cap=1)
    ada = person(leaders)
    first = uuid4()
    ada.note_request_opened(first, ["a"])
    ada.note_request_settled(first)
    check_can_request(leaders, ada, None, None, "one_to_one", goals("a"))


def test_a_request_is_edited_or_withdrawn_only_while_pending():
    leaders = program()
    ask = request(leaders, person(leaders))
    ask.update(goals("negotiation"), ["phone"], {"must_have": [], "avoid": []})
    assert ask.goals[0]["topic"] == "negotiation"
    ask.mark_matched(uuid4())
    refused("request-not-pending", ask.withdraw, ask)
    refused("request-not-pending", lambda: ask.update(goals("x"), ["video"], {}), ask)
    refused("request-not-pending", lambda: ask.mark_matched(uuid4()), ask)


def test_a_withdrawn_request_stays_withdrawn_when_matched_late_and_a_closed_one_is_not_closed_again():
    leaders = program()
    ask = request(leaders, person(leaders))
    ask.withdraw()
    ask.collect_events()
    ask.mark_matched(uuid4())  # intake owns "the request is over" (docs/adr/0004)
    assert ask.status == "withdrawn" and ask.collect_events() == []
    closed = request(leaders, person(leaders))
    closed.mark_closed()
    refused("request-closed", closed.mark_closed, closed)


def test_withdrawing_or_erasure_clears_the_open_requests_so_nothing_settles_later():
    ada = person(program())
    ask = uuid4()
    ada.note_request_opened(ask, ["a"])
    ada.erase()
    ada.collect_events()
    ada.note_request_settled(ask)
    assert ada.open_requests == {} and ada.collect_events() == []


def test_a_rematch_asks_for_the_same_goals_and_avoids_the_previous_mentor():
    leaders = program()
    ended, previous = request(leaders, person(leaders)), uuid4()
    again = type(ended).rematch_of(ended, uuid4(), previous, ended.requested_at)
    assert again.goals == ended.goals and again.status == "pending"
    assert f"participant:{previous}" in again.preferences["avoid"]
    assert again.named_mentor_id is None and again.message_ciphertext is None
