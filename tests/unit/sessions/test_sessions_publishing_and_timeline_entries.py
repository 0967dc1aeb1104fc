"""What sessions publishes (`to_public`, `public_fact`) and the timeline helpers that
need no database (`own_entry`, `state_summary`). Facts leave; sealed text never does."""

from datetime import date, timedelta
from uuid import UUID

import pytest

from shared.contracts import sessions as contracts
from shared.privacy import private_fields
from shared.publishing import PublicEvent
from services.sessions.domain.external_facts import ExternalFacts
from services.sessions.domain.relationship import Relationship
from services.sessions.publishing import MAPPERS, public_fact, to_public
from services.sessions.timeline import own_entry, state_summary
from tests.unit.sessions.group_builders import BEN, forming_group
from tests.unit.sessions.sessions_domain_kit import (
    ACTIVATED, LATER, MENTEE, MENTOR, PROGRAM_ID, RELATIONSHIP_ID, STARTED, STRANGER, active, drain, forming, names,
    replay, session_id,
)

S1, S2, S3 = session_id(1), session_id(2), session_id(3)
D = timedelta(days=1)

NOTE = "NOTE-CIPHERTEXT-7f3a"
COMMENT = "COMMENT-CIPHERTEXT-91bc"
REFLECTION = "REFLECTION-CIPHERTEXT-c04d"
SEALED = (NOTE, COMMENT, REFLECTION)
# Free text that is no figure: it stays inside the service as well.
FREE_TEXT = ("AGENDA-TEXT-5e21", "PAUSE-REASON-0a8b", "CLOSE-REASON-33f0", "GROUND-RULE-TEXT-b7d2")
AGENDA, PAUSE_REASON, CLOSE_REASON, GROUND_RULE = FREE_TEXT


def completed_life() -> Relationship:
    r = forming()
    r.propose_agreement(MENTEE, {"end_date": "2026-06-01", "cadence_days": 7,
                                 "logistics": {"meeting_mode": "video"}}, STARTED)
    r.add_ground_rule(MENTOR, GROUND_RULE, STARTED)
    r.sign_agreement(MENTEE, 1, STARTED)
    r.sign_agreement(MENTOR, 1, STARTED)
    r.acknowledge_ground_rules(MENTEE, STARTED)
    r.acknowledge_ground_rules(MENTOR, ACTIVATED)
    r.schedule_session(MENTEE, S1, LATER + D, 60, "video", AGENDA, LATER)
    r.remind_session(S1, LATER + timedelta(hours=2))
    r.reschedule_session(MENTOR, S1, LATER + 2 * D, LATER + timedelta(hours=3))
    r.mark_session_held(MENTOR, S1, 55, [0, 1], {str(MENTEE): ["open with a story"], str(MENTOR): ["listening"]},
                        LATER + 2 * D)
    r.add_private_note(MENTEE, S1, NOTE, LATER + 2 * D)
    r.record_check_in(MENTEE, 4, 3, COMMENT, LATER + 2 * D)
    r.record_check_in(MENTOR, 5, 4, None, LATER + 2 * D)
    r.report_pairing_fit(MENTOR, "good_fit", LATER + 2 * D)
    r.schedule_session(MENTEE, S2, LATER + 5 * D, 60, "phone", AGENDA, LATER + 3 * D)
    r.cancel_session(MENTOR, S2, LATER + 5 * D - timedelta(hours=2))
    r.schedule_session(MENTEE, S3, LATER + 6 * D, 60, "phone", AGENDA, LATER + 3 * D)
    r.mark_session_missed(MENTEE, S3, [MENTOR], LATER + 6 * D)
    r.mark_stalled(LATER + 16 * D)
    r.pause(MENTEE, PAUSE_REASON, LATER + 20 * D)
    r.resume(MENTOR, LATER + 22 * D)
    r.close(MENTOR, "completed", CLOSE_REASON, LATER + 60 * D)
    r.record_reflection(MENTEE, REFLECTION, {"0": "met", "1": "partly"}, LATER + 61 * D)
    r.offer_to_pay_it_forward(MENTEE, LATER + 61 * D)
    drain(r)
    return r


def no_fit_life() -> Relationship:
    r = active()
    r.schedule_session(MENTEE, S1, LATER + D, 60, "video", AGENDA, LATER)
    r.mark_session_held(MENTEE, S1, 30, [], {}, LATER + D)
    r.report_pairing_fit(MENTEE, "not_a_good_fit", LATER + D)
    r.end_for_no_fit(MENTEE, True, LATER + D)
    r.record_reflection(MENTOR, REFLECTION, {"0": "not_met"}, LATER + 2 * D)
    drain(r)
    return r


def group_life() -> Relationship:
    """A group whose mentee leaves while the others go on."""
    r = forming_group(RELATIONSHIP_ID, PROGRAM_ID)
    r.history = list(r.pending_creation)
    r.close_as_a_party_left(BEN, STARTED)
    drain(r)
    return r


def replayed(relationship: Relationship):
    """Each event with the relationship as that event left it, as the outbox relay sees them."""
    state = None
    for event in relationship.history:
        state = event.mutate(state)
        yield event, state


def every_event():
    for life in (completed_life(), no_fit_life(), group_life()):
        yield from replayed(life)


def published(life: Relationship) -> dict[str, list[PublicEvent]]:
    by_name: dict[str, list[PublicEvent]] = {}
    for event, state in replayed(life):
        public = to_public(event, state)
        if public is not None:
            by_name.setdefault(type(event).__name__, []).append(public)
    return by_name


def test_the_three_lives_produce_every_kind_of_sessions_event():
    produced = {type(event).__name__ for event, _ in every_event()}
    assert produced == set(MAPPERS) | {"PrivateNoteAdded"}


# --- nothing sealed leaves ---------------------------------------------------------------------

def test_no_published_contract_carries_sealed_text_whatever_the_serialization():
    serialized = []
    for event, state in every_event():
        public = to_public(event, state)
        if public is not None:
            serialized += [public.contract.model_dump_json(), str(public.contract.model_dump()),
                           str(public.contract.model_dump(mode="json")), repr(public)]
    assert len(serialized) == 4 * sum(1 for e, _ in every_event() if type(e).__name__ != "PrivateNoteAdded")
    for text in serialized:
        for secret in SEALED:
            assert secret not in text


@pytest.mark.parametrize("name", sorted(MAPPERS))
def test_each_published_contract_leaves_out_sealed_and_free_text(name):
    for event, state in every_event():
        if type(event).__name__ == name:
            contract = public_fact(event, state)
            text = contract.model_dump_json()
            for secret in SEALED + FREE_TEXT:
                assert secret not in text, f"{name} published {secret}"


def test_the_sealed_text_really_is_in_the_domain_events_it_is_kept_out_of():
    recorded = " ".join(repr(event.__dict__) for event, _ in every_event())
    assert all(secret in recorded for secret in SEALED)


def test_a_private_note_is_not_published_at_all():
    notes = [(event, state) for event, state in every_event() if type(event).__name__ == "PrivateNoteAdded"]
    assert notes
    for event, state in notes:
        assert public_fact(event, state) is None
        assert to_public(event, state) is None


def test_a_check_in_publishes_only_who_and_the_two_ratings():
    contracts_ = [p.contract for p in published(completed_life())["CheckInRecorded"]]
    assert [c.model_dump(exclude={"relationship_id", "program_id"}) for c in contracts_] == [
        {"by": MENTEE, "fit": 4, "progress": 3}, {"by": MENTOR, "fit": 5, "progress": 4}]


def test_a_reflection_publishes_only_who_and_the_goal_outcomes():
    [public] = published(completed_life())["ReflectionRecorded"]
    assert isinstance(public.contract, contracts.GoalOutcomesRecorded)
    assert public.contract.model_dump(exclude={"relationship_id", "program_id"}) == {
        "by": MENTEE, "goal_outcomes": {"0": "met", "1": "partly"}}


# --- what is published ------------------------------------------------------------------------

def test_each_domain_event_maps_to_its_public_contract():
    expected = {name: contract for name, (contract, _) in MAPPERS.items()}
    for event, state in every_event():
        name = type(event).__name__
        if name != "PrivateNoteAdded":
            assert type(public_fact(event, state)) is expected[name]
            assert type(public_fact(event, state)).cloudevent_type().startswith("mentoring.sessions.")
    assert expected["ReflectionRecorded"] is contracts.GoalOutcomesRecorded


def test_every_public_event_is_keyed_by_the_relationship_and_names_tenant_and_program():
    for event, state in every_event():
        public = to_public(event, state)
        if public is not None:
            assert isinstance(public, PublicEvent)
            assert (public.key, public.tenant, public.program, public.relationship) == (
                RELATIONSHIP_ID, "acme", PROGRAM_ID, RELATIONSHIP_ID)
            assert (public.contract.relationship_id, public.contract.program_id) == (RELATIONSHIP_ID, PROGRAM_ID)


def test_the_started_fact_lists_the_parties_goals_format_and_organization():
    relationship = forming()
    fact = public_fact(relationship.history[0], relationship)
    assert isinstance(fact, contracts.RelationshipStarted)
    assert (fact.organization_id, fact.format) == ("acme", "one_to_one")
    assert [(p.participant_id, p.role, p.organization_id) for p in fact.parties] == [
        (MENTEE, "mentee", "acme"), (MENTOR, "mentor", "globex")]
    assert [g.outcome for g in fact.goals] == ["give a keynote", "publish a blog post"]


def test_a_proposal_publishes_its_version_proposer_end_date_cadence_and_meeting_mode():
    [public] = published(completed_life())["AgreementProposed"]
    c = public.contract
    assert (c.agreement_version, c.proposed_by, c.end_date, c.cadence_days, c.meeting_mode) == (
        1, MENTEE, date(2026, 6, 1), 7, "video")


def test_a_proposal_without_those_terms_publishes_them_as_empty():
    relationship = forming()
    relationship.propose_agreement(MENTOR, {}, STARTED)
    [event] = drain(relationship)
    c = public_fact(event, relationship)
    assert (c.agreement_version, c.proposed_by, c.end_date, c.cadence_days, c.meeting_mode) == (
        1, MENTOR, None, None, None)


def test_signatures_and_the_agreement_in_effect_publish_the_version():
    facts = published(completed_life())
    assert [(p.contract.agreement_version, p.contract.signed_by) for p in facts["AgreementSigned"]] == [
        (1, MENTEE), (1, MENTOR)]
    assert [p.contract.agreement_version for p in facts["AgreementInEffect"]] == [1]


def test_ground_rule_facts_publish_who_and_not_the_rule_text():
    facts = published(completed_life())
    assert [p.contract.added_by for p in facts["GroundRuleAdded"]] == [MENTOR]
    assert [p.contract.acknowledged_by for p in facts["GroundRulesAcknowledged"]] == [MENTEE, MENTOR]
    assert [p.contract.activated_at for p in facts["RelationshipActivated"]] == [ACTIVATED]


def test_session_facts_publish_times_minutes_and_mode_but_not_the_agenda():
    facts = published(completed_life())
    assert [(p.contract.session_id, p.contract.starts_at, p.contract.minutes, p.contract.mode)
            for p in facts["SessionScheduled"]] == [
        (S1, LATER + D, 60, "video"), (S2, LATER + 5 * D, 60, "phone"), (S3, LATER + 6 * D, 60, "phone")]
    assert [(p.contract.session_id, p.contract.starts_at) for p in facts["SessionRescheduled"]] == [(S1, LATER + 2 * D)]


def test_a_reminder_publishes_the_start_the_session_had_when_it_was_reminded():
    [public] = published(completed_life())["SessionReminderDue"]
    assert (public.contract.session_id, public.contract.starts_at) == (S1, LATER + D)


def test_a_cancellation_publishes_who_the_notice_and_whether_it_was_late():
    [public] = published(completed_life())["SessionCancelled"]
    assert (public.contract.session_id, public.contract.cancelled_by, public.contract.notice_hours,
            public.contract.late) == (S2, MENTOR, 2.0, True)


def test_a_held_session_publishes_who_learned_something_never_their_words():
    [public] = published(completed_life())["SessionHeld"]
    assert (public.contract.session_id, public.contract.minutes, public.contract.goals_touched) == (S1, 55, [0, 1])
    assert public.contract.learners == sorted([MENTEE, MENTOR], key=str)
    serialized = public.contract.model_dump_json()
    assert "open with a story" not in serialized and "listening" not in serialized


def test_a_no_show_publishes_who_missed_it():
    [public] = published(completed_life())["SessionMissed"]
    assert (public.contract.session_id, public.contract.missed_by) == (S3, [MENTOR])


def test_lifecycle_facts_publish_who_and_the_outcome_but_no_reasons():
    facts = published(completed_life())
    assert [p.contract.answer for p in facts["PairingFitReported"]] == ["good_fit"]
    assert [p.contract.by for p in facts["RelationshipPaused"]] == [MENTEE]
    assert [p.contract.by for p in facts["RelationshipResumed"]] == [MENTOR]
    assert [p.contract.quiet_since for p in facts["RelationshipStalled"]] == [LATER + 2 * D]
    assert [(p.contract.outcome, p.contract.closed_by) for p in facts["RelationshipClosed"]] == [("completed", MENTOR)]
    assert [(p.contract.participant_id, p.contract.organization_id) for p in facts["PayItForwardOffered"]] == [
        (MENTEE, "acme")]


def test_a_completion_at_the_end_is_published_as_closed_by_nobody():
    relationship = active()
    relationship.complete_at_end(LATER + 200 * D)
    [event] = drain(relationship)
    fact = public_fact(event, relationship)
    assert (fact.outcome, fact.closed_by) == ("completed", None)


def test_a_rematch_request_names_the_mentee_and_the_mentor_to_avoid():
    facts = published(no_fit_life())
    assert [(p.contract.outcome, p.contract.closed_by) for p in facts["RelationshipClosed"]] == [("no_fit", MENTEE)]
    [public] = facts["RematchRequested"]
    assert (public.contract.mentee_id, public.contract.excluded_mentor_id) == (MENTEE, MENTOR)


def test_a_rematch_request_finds_the_mentee_whatever_the_order_of_the_parties():
    relationship = Relationship(
        id=RELATIONSHIP_ID, program_id=PROGRAM_ID, organization_id="acme", format="one_to_one",
        parties=[{"participant_id": str(MENTOR), "role": "mentor", "organization_id": "globex"},
                 {"participant_id": str(MENTEE), "role": "mentee", "organization_id": "acme"}],
        goals=[{"topic": "x", "outcome": "y"}], cadence_days=14, length_weeks=12,
        ground_rules={"cancellation_notice_hours": 24}, started_at=STARTED)
    relationship.propose_agreement(MENTOR, {}, STARTED)
    for person in (MENTOR, MENTEE):
        relationship.sign_agreement(person, 1, STARTED)
        relationship.acknowledge_ground_rules(person, STARTED)
    relationship.schedule_session(MENTOR, S1, LATER, 60, "video", "", STARTED)
    relationship.mark_session_held(MENTOR, S1, 60, [], {}, LATER)
    relationship.report_pairing_fit(MENTOR, "not_a_good_fit", LATER)
    relationship.end_for_no_fit(MENTOR, True, LATER)
    rematch = relationship.collect_events()[-1]
    fact = public_fact(rematch, relationship)
    assert (fact.mentee_id, fact.excluded_mentor_id) == (MENTEE, MENTOR)


def test_events_of_another_aggregate_are_not_published_as_sessions_facts():
    facts = ExternalFacts.open(RELATIONSHIP_ID)
    facts.learn("intake", "MentorshipRequested", STARTED, {})
    for event in facts.collect_events():
        assert to_public(event, facts) is None


# --- timeline entries -----------------------------------------------------------------------------

def test_a_timeline_entry_tells_when_what_and_the_public_attributes_without_the_ids():
    for event, state in replayed(completed_life()):
        if type(event).__name__ == "SessionScheduled" and event.session_id == S1:
            entry = own_entry(event, state, reader=None)
            assert entry == {"at": event.timestamp, "source": "sessions", "fact": "SessionScheduled",
                             "attributes": {"session_id": str(S1), "starts_at": (LATER + D).isoformat().replace(
                                 "+00:00", "Z"), "minutes": 60, "mode": "video"}}


def test_a_private_note_entry_shows_only_its_session_and_author():
    [(event, state)] = [(e, s) for e, s in replayed(completed_life()) if type(e).__name__ == "PrivateNoteAdded"]
    entry = own_entry(event, state, reader=MENTOR)
    assert entry == {"at": event.timestamp, "source": "sessions", "fact": "PrivateNoteAdded",
                     "attributes": {"session_id": str(S1), "author": str(MENTEE)}}


@pytest.mark.parametrize("fact, author, sealed", [
    ("PrivateNoteAdded", MENTEE, NOTE),
    ("CheckInRecorded", MENTEE, COMMENT),
    ("ReflectionRecorded", MENTEE, REFLECTION),
])
def test_sealed_text_is_handed_only_to_its_author(fact, author, sealed):
    [(event, state)] = [(e, s) for e, s in replayed(completed_life())
                        if type(e).__name__ == fact and any(getattr(e, f) for f in private_fields(type(e)))]
    assert own_entry(event, state, reader=author)["sealed_for_reader"] == sealed
    for reader in (MENTOR, STRANGER, None):
        entry = own_entry(event, state, reader=reader)
        assert "sealed_for_reader" not in entry
        assert sealed not in str(entry)


def test_a_check_in_without_a_comment_hands_nothing_sealed_even_to_its_author():
    [(event, state)] = [(e, s) for e, s in replayed(completed_life())
                        if type(e).__name__ == "CheckInRecorded" and e.by == MENTOR]
    entry = own_entry(event, state, reader=MENTOR)
    assert "sealed_for_reader" not in entry
    assert entry["attributes"] == {"by": str(MENTOR), "fit": 5, "progress": 4}


def test_no_timeline_entry_shows_sealed_text_to_anyone_but_its_author():
    for event, state in every_event():
        for reader in (None, STRANGER):
            text = str(own_entry(event, state, reader=reader))
            assert not any(secret in text for secret in SEALED)
        mentor_text = str(own_entry(event, state, reader=MENTOR))
        if type(event).__name__ == "ReflectionRecorded" and event.by == MENTOR:
            assert own_entry(event, state, reader=MENTOR)["sealed_for_reader"] == REFLECTION
        else:
            assert not any(secret in mentor_text for secret in SEALED)


def test_every_own_event_gets_a_timeline_entry_from_sessions():
    entries = [own_entry(event, state, reader=None) for event, state in replayed(completed_life())]
    assert [e["fact"] for e in entries] == names(completed_life().history)
    assert {e["source"] for e in entries} == {"sessions"}
    assert all("relationship_id" not in e["attributes"] and "program_id" not in e["attributes"] for e in entries)


# --- state summary -------------------------------------------------------------------------------

def test_there_is_no_summary_before_the_relationship_exists():
    assert state_summary(None) is None


def test_the_summary_of_a_new_relationship():
    assert state_summary(forming()) == {
        "status": "forming", "agreement_in_force": None, "agreements": [], "ground_rules_acknowledged_by": [],
        "sessions_held": 0, "sessions_scheduled": 0, "outcome": None, "version": 1}


def test_the_summary_names_the_earlier_version_in_force_while_an_amendment_awaits_signatures():
    relationship = active()
    relationship.propose_agreement(MENTOR, {"end_date": "2026-09-01"}, LATER)
    relationship.sign_agreement(MENTOR, 2, LATER)
    summary = state_summary(relationship)
    assert summary["status"] == "active"
    assert summary["agreement_in_force"] == 1
    assert summary["agreements"] == [{"version": 1, "signed_by": [str(MENTEE), str(MENTOR)]},
                                     {"version": 2, "signed_by": [str(MENTOR)]}]
    relationship.sign_agreement(MENTEE, 2, LATER)
    assert state_summary(relationship)["agreement_in_force"] == 2


def test_the_summary_counts_held_and_scheduled_sessions_and_names_who_acknowledged():
    relationship = active()
    relationship.schedule_session(MENTEE, S1, LATER + D, 60, "video", "", LATER)
    relationship.schedule_session(MENTEE, S2, LATER + 2 * D, 60, "video", "", LATER)
    relationship.schedule_session(MENTEE, S3, LATER + 3 * D, 60, "video", "", LATER)
    relationship.mark_session_held(MENTOR, S1, 60, [], {}, LATER + D)
    relationship.cancel_session(MENTOR, S3, LATER)
    summary = state_summary(relationship)
    assert (summary["sessions_held"], summary["sessions_scheduled"]) == (1, 1)
    assert summary["ground_rules_acknowledged_by"] == [str(MENTEE), str(MENTOR)]
    assert summary["version"] == relationship.version


def test_the_summary_of_a_closed_relationship_names_its_outcome():
    relationship = no_fit_life()
    summary = state_summary(relationship)
    assert (summary["status"], summary["outcome"], summary["agreement_in_force"]) == ("closed", "no_fit", 1)


def test_the_summary_of_the_replayed_events_matches_the_live_one_and_follows_the_agreement_in_force():
    live = completed_life()
    assert state_summary(replay(live.history)) == state_summary(live)
    states = [state_summary(state) for _, state in replayed(live)]
    in_force = [s["agreement_in_force"] for s in states]
    assert in_force[0] is None and in_force[-1] == 1
    assert in_force.index(1) == names(live.history).index("AgreementInEffect")


def test_the_summary_of_a_relationship_as_of_an_amendment_in_progress():
    relationship = active()
    relationship.propose_agreement(MENTEE, {"end_date": "2026-08-01"}, LATER)
    relationship.sign_agreement(MENTEE, 2, LATER)
    relationship.sign_agreement(MENTOR, 2, LATER)
    drain(relationship)
    summaries = [state_summary(state) for _, state in replayed(relationship)]
    assert [s["agreement_in_force"] for s in summaries[-3:]] == [1, 1, 2]
    assert UUID(summaries[-1]["agreements"][1]["signed_by"][1]) == MENTOR
