"""Only the people in a relationship act in it: a third party is refused by every
command, in every state, before any other rule is looked at."""

import inspect
from datetime import timedelta

import pytest

from services.sessions.domain.relationship import Relationship
from tests.unit.sessions.sessions_domain_kit import (
    LATER, MENTEE, MENTOR, STRANGER, active, closed, drain, forming, hold, not_a_party, schedule, session_id,
)

SESSION = session_id(1)
HELD = session_id(2)

COMMANDS = {
    "propose_agreement": lambda r: r.propose_agreement(STRANGER, {"end_date": "2026-07-01"}, LATER),
    "sign_agreement": lambda r: r.sign_agreement(STRANGER, len(r.agreements), LATER),
    "add_ground_rule": lambda r: r.add_ground_rule(STRANGER, "no phones", LATER),
    "acknowledge_ground_rules": lambda r: r.acknowledge_ground_rules(STRANGER, LATER),
    "schedule_session": lambda r: r.schedule_session(STRANGER, session_id(9), LATER + timedelta(days=3), 60,
                                                     "video", "", LATER),
    "reschedule_session": lambda r: r.reschedule_session(STRANGER, SESSION, LATER + timedelta(days=4), LATER),
    "cancel_session": lambda r: r.cancel_session(STRANGER, SESSION, LATER),
    "mark_session_held": lambda r: r.mark_session_held(STRANGER, SESSION, 60, [0], {}, LATER + timedelta(days=2)),
    "mark_session_missed": lambda r: r.mark_session_missed(STRANGER, SESSION, [MENTOR], LATER + timedelta(days=2)),
    "add_private_note": lambda r: r.add_private_note(STRANGER, SESSION, "sealed", LATER),
    "record_check_in": lambda r: r.record_check_in(STRANGER, 3, 3, None, LATER),
    "report_pairing_fit": lambda r: r.report_pairing_fit(STRANGER, "not_a_good_fit", LATER),
    "end_for_no_fit": lambda r: r.end_for_no_fit(STRANGER, True, LATER),
    "pause": lambda r: r.pause(STRANGER, "busy", LATER),
    "resume": lambda r: r.resume(STRANGER, LATER),
    "close": lambda r: r.close(STRANGER, "ended_early", "not mine", LATER),
    "record_reflection": lambda r: r.record_reflection(STRANGER, "sealed", {"0": "met"}, LATER),
    "offer_to_pay_it_forward": lambda r: r.offer_to_pay_it_forward(STRANGER, LATER),
}


def in_state(state: str):
    """A relationship in `state` where each command would be allowed for a party."""
    if state == "forming":
        relationship = forming()
        relationship.propose_agreement(MENTEE, {"end_date": "2026-06-01"}, LATER)
        drain(relationship)
        return relationship
    relationship = active()
    hold(relationship, n=2)
    relationship.report_pairing_fit(MENTEE, "not_a_good_fit", LATER)
    schedule(relationship, n=1, starts_at=LATER + timedelta(days=2), at=LATER)
    if state == "paused":
        relationship.pause(MENTEE, "exams", LATER)
    if state == "closed":
        relationship.close(MENTEE, "completed", "done", LATER)
    drain(relationship)
    return relationship


@pytest.mark.parametrize("state", ["forming", "active", "paused", "closed"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_third_party_is_refused_as_not_a_party(state, command):
    relationship = in_state(state)
    status, version = relationship.status, relationship.version
    not_a_party(relationship, lambda: COMMANDS[command](relationship))
    assert (relationship.status, relationship.version) == (status, version)


def test_the_commands_list_covers_every_command_that_names_who_acts():
    acting = set()
    for name, member in inspect.getmembers(Relationship, inspect.isfunction):
        parameters = list(inspect.signature(member).parameters)
        if not name.startswith("_") and parameters[1:2] == ["by"]:
            acting.add(name)
    assert acting == set(COMMANDS)


def test_a_third_party_has_no_role():
    relationship = forming()
    assert relationship.role_of(STRANGER) is None
    assert STRANGER not in relationship.party_ids


def test_a_third_party_is_not_refused_for_a_rule_it_would_also_break():
    # A closed relationship refuses closing again, but a stranger learns only that it may not act.
    relationship = closed()
    not_a_party(relationship, lambda: relationship.close(STRANGER, "nonsense", "", LATER))
    relationship = forming()
    not_a_party(relationship, lambda: relationship.sign_agreement(STRANGER, 5, LATER))
    not_a_party(relationship, lambda: relationship.record_check_in(STRANGER, 9, 0, None, LATER))


def test_the_refusal_of_a_third_party_changes_nothing_in_an_active_relationship():
    relationship = in_state("active")
    before = (dict(relationship.sessions), list(relationship.check_ins), dict(relationship.fit_reports),
              list(relationship.private_notes))
    for command in COMMANDS.values():
        not_a_party(relationship, lambda: command(relationship))
    assert (relationship.sessions, relationship.check_ins, relationship.fit_reports,
            relationship.private_notes) == before
