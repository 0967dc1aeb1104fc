"""Sessions' use cases, end to end on its Application, without HTTP or Kafka.

Here on the library's in-memory persistence; tests/integration/test_sessions_use_cases_on_postgresql.py
runs these same test bodies on PostgreSQL. Each test reads back from the store what
the use cases saved: a fresh load, not the object they returned.
"""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from shared.errors import ConcurrentWrite, NotPermitted
from shared.settings import Settings
from shared.store_access import load_sync
from services.sessions.application import Actor, SessionsApplication
from services.sessions.domain.participation import Participation, participation_id
from services.sessions.domain.relationship import Relationship
from tests.support.sealed_stand_ins import sealed_stand_in

SEALED_NOTE = sealed_stand_in("sealed-note")
SEALED_COMMENT = sealed_stand_in("sealed-comment")
SEALED_REFLECTION = sealed_stand_in("sealed-reflection")

IN_MEMORY = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
STARTED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
END_DATE = "2026-06-01"
MENTOR, STRANGER = uuid4(), uuid4()


@pytest.fixture
def app() -> Iterator[SessionsApplication]:
    store = SessionsApplication(Settings(), env=IN_MEMORY)
    yield store
    store.close()


def as_person(person: UUID) -> Actor:
    """A party acting for themself (the API settles this from the caller's token)."""
    return lambda _relationship: person


def started(app: SessionsApplication, *mentees: UUID, format: str = "one_to_one",
            relationship_id: UUID | None = None) -> UUID:
    """A relationship as a confirmed match starts it (the consumer saves what changed)."""
    relationship_id = relationship_id or uuid4()
    parties = [{"participant_id": str(person), "role": "mentee", "organization_id": "acme"} for person in mentees]
    app.save(*app.start_relationship(
        relationship_id, uuid4(), "acme", format,
        [*parties, {"participant_id": str(MENTOR), "role": "mentor", "organization_id": "globex"}],
        [{"topic": "public speaking", "outcome": "give a keynote"}], 7, 12, {"cancellation_notice_hours": 24},
        STARTED))
    return relationship_id


def activated(app: SessionsApplication, relationship_id: UUID, people: list[UUID]) -> None:
    terms = {"goals": {}, "end_date": END_DATE, "cadence_days": 7, "logistics": {"meeting_mode": "video"}}
    app.propose_agreement(relationship_id, as_person(people[0]), terms, STARTED)
    for person in people:
        app.sign_agreement(relationship_id, as_person(person), 1, STARTED)
        app.acknowledge_ground_rules(relationship_id, as_person(person), STARTED)


def stored(app: SessionsApplication, relationship_id: UUID) -> Relationship:
    return load_sync(app, relationship_id, Relationship, "relationship")


def test_a_confirmed_match_delivered_twice_starts_its_relationship_once(app):
    mentee = uuid4()
    relationship_id = started(app, mentee)
    assert started(app, mentee, relationship_id=relationship_id) == relationship_id
    relationship = stored(app, relationship_id)
    assert (relationship.status, relationship.version, relationship.party_ids) == ("forming", 1, [mentee, MENTOR])
    assert str(relationship_id) in load_sync(app, participation_id(mentee), Participation,
                                             "participation").relationship_ids


def test_a_confirmation_matching_undid_ends_the_relationship_early_in_the_mentees_name(app):
    mentee = uuid4()
    relationship_id = started(app, mentee)
    app.save(*app.end_cancelled_relationship(relationship_id, "the request was withdrawn", STARTED))
    assert app.end_cancelled_relationship(relationship_id, "the request was withdrawn", STARTED) == []
    relationship = stored(app, relationship_id)
    assert (relationship.status, relationship.outcome) == ("closed", "ended_early")
    [closed] = [e for e in app.events.get(relationship_id) if type(e).__name__ == "RelationshipClosed"]
    assert closed.by == mentee


def test_signing_the_agreement_and_acknowledging_the_ground_rules_activates_the_relationship(app):
    mentee = uuid4()
    relationship_id = started(app, mentee)
    app.add_ground_rule(relationship_id, as_person(mentee), "cameras on", STARTED)
    activated(app, relationship_id, [mentee, MENTOR])
    relationship = stored(app, relationship_id)
    assert (relationship.status, relationship.agreement_in_force, relationship.added_rules) == \
        ("active", 1, ["cameras on"])
    assert relationship.end_date == date.fromisoformat(END_DATE)


def test_a_session_is_scheduled_moved_held_noted_and_checked_in_on(app):
    mentee, session = uuid4(), uuid4()
    relationship_id = started(app, mentee)
    activated(app, relationship_id, [mentee, MENTOR])
    day = STARTED + timedelta(days=1)
    app.schedule_session(relationship_id, as_person(mentee), session, day, 60, "video", "slides", STARTED)
    app.reschedule_session(relationship_id, as_person(MENTOR), session, day + timedelta(hours=2), STARTED)
    app.mark_session_held(relationship_id, as_person(MENTOR), session, 55, [0], {str(mentee): ["pacing"]},
                          day + timedelta(hours=3))
    app.add_private_note(relationship_id, as_person(mentee), session, SEALED_NOTE, day + timedelta(hours=4))
    app.record_check_in(relationship_id, as_person(mentee), 4, 3, SEALED_COMMENT, day + timedelta(hours=4))
    app.report_pairing_fit(relationship_id, as_person(MENTOR), "good_fit", day + timedelta(hours=4))
    relationship = stored(app, relationship_id)
    held = relationship.sessions[str(session)]
    assert (held["state"], held["starts_at"], relationship.held_count) == ("held", day + timedelta(hours=2), 1)
    assert [note["note_ciphertext"] for note in relationship.private_notes] == [SEALED_NOTE]
    assert [(c["by"], c["fit"], c["comment_ciphertext"]) for c in relationship.check_ins] == \
        [(str(mentee), 4, SEALED_COMMENT)]
    assert relationship.fit_reports == {str(MENTOR): "good_fit"}


def test_a_missed_session_and_a_session_cancelled_at_short_notice_are_recorded(app):
    mentee, missed, cancelled = uuid4(), uuid4(), uuid4()
    relationship_id = started(app, mentee)
    activated(app, relationship_id, [mentee, MENTOR])
    day = STARTED + timedelta(days=1)
    app.schedule_session(relationship_id, as_person(mentee), missed, day, 60, "video", "", STARTED)
    app.schedule_session(relationship_id, as_person(mentee), cancelled, day + timedelta(days=1), 60, "video",
                         "", STARTED)
    app.mark_session_missed(relationship_id, as_person(MENTOR), missed, [mentee], day + timedelta(hours=1))
    app.cancel_session(relationship_id, as_person(MENTOR), cancelled, day + timedelta(hours=12))
    sessions = stored(app, relationship_id).sessions
    assert (sessions[str(missed)]["state"], sessions[str(cancelled)]["state"]) == ("missed", "cancelled")
    assert sessions[str(cancelled)]["late"] is True, "12 hours' notice where the ground rules ask for 24"


def test_a_paused_relationship_resumes_closes_completed_and_its_mentee_reflects_and_pays_it_forward(app):
    mentee = uuid4()
    relationship_id = started(app, mentee)
    activated(app, relationship_id, [mentee, MENTOR])
    app.pause(relationship_id, as_person(mentee), "travelling", STARTED + timedelta(days=2))
    assert stored(app, relationship_id).status == "paused"
    app.resume(relationship_id, as_person(mentee), STARTED + timedelta(days=9))
    app.close_relationship(relationship_id, as_person(MENTOR), "completed", "", STARTED + timedelta(days=60))
    app.record_reflection(relationship_id, as_person(mentee), SEALED_REFLECTION, {"0": "met"},
                          STARTED + timedelta(days=61))
    app.offer_to_pay_it_forward(relationship_id, as_person(mentee), STARTED + timedelta(days=61))
    relationship = stored(app, relationship_id)
    assert (relationship.status, relationship.outcome, relationship.paid_forward) == \
        ("closed", "completed", [str(mentee)])
    assert relationship.reflections[str(mentee)] == {"ciphertext": SEALED_REFLECTION, "goal_outcomes": {"0": "met"}}


def test_not_a_good_fit_ends_the_relationship_and_asks_for_a_rematch(app):
    mentee, session = uuid4(), uuid4()
    relationship_id = started(app, mentee)
    activated(app, relationship_id, [mentee, MENTOR])
    day = STARTED + timedelta(days=1)
    app.schedule_session(relationship_id, as_person(mentee), session, day, 60, "video", "", STARTED)
    app.mark_session_held(relationship_id, as_person(mentee), session, 60, [], {}, day)
    app.report_pairing_fit(relationship_id, as_person(mentee), "not_a_good_fit", day)
    app.end_for_no_fit(relationship_id, as_person(mentee), True, day)
    relationship = stored(app, relationship_id)
    assert (relationship.outcome, relationship.rematch_requested_by) == ("no_fit", mentee)


def test_a_groups_mentee_leaves_and_the_group_goes_on_with_the_others(app):
    leaving, staying = uuid4(), uuid4()
    relationship_id = started(app, leaving, staying, format="group")
    app.leave_group(relationship_id, as_person(leaving), STARTED)
    relationship = stored(app, relationship_id)
    assert (relationship.status, relationship.left_the_group) == ("forming", [str(leaving)])
    assert relationship.party_ids == [staying, MENTOR]


def test_someone_not_in_the_relationship_is_refused_and_nothing_is_recorded(app):
    mentee = uuid4()
    relationship_id = started(app, mentee)
    with pytest.raises(NotPermitted):
        app.add_ground_rule(relationship_id, as_person(STRANGER), "no agendas", STARTED)
    assert stored(app, relationship_id).version == 1


def test_a_relationship_changed_after_the_use_case_loaded_it_is_not_overwritten(app):
    mentee = uuid4()
    relationship_id = started(app, mentee)

    def acting_while_someone_else_writes(relationship: Relationship) -> UUID:
        app.add_ground_rule(relationship_id, as_person(MENTOR), "the mentor's rule", STARTED)
        return mentee

    with pytest.raises(ConcurrentWrite):
        app.add_ground_rule(relationship_id, acting_while_someone_else_writes, "the mentee's rule", STARTED)
    assert stored(app, relationship_id).added_rules == ["the mentor's rule"]


def test_a_participant_who_withdraws_closes_each_relationship_they_are_in(app):
    mentee = uuid4()
    first, second = started(app, mentee), started(app, mentee)
    app.save(*app.participant_left(mentee, erased=False, at=STARTED + timedelta(days=3)))
    assert [(stored(app, r).status, stored(app, r).outcome) for r in (first, second)] == \
        [("closed", "ended_early")] * 2
    participation = load_sync(app, participation_id(mentee), Participation, "participation")
    assert participation.left and not participation.erased


def test_a_relationship_past_its_end_date_completes_when_its_timers_fire(app):
    mentee = uuid4()
    relationship_id = started(app, mentee)
    activated(app, relationship_id, [mentee, MENTOR])
    assert app.fire_due_timers(relationship_id, STARTED + timedelta(days=1)) == 0
    assert app.fire_due_timers(relationship_id, datetime(2026, 7, 1, tzinfo=UTC)) >= 1
    assert (stored(app, relationship_id).status, stored(app, relationship_id).outcome) == ("closed", "completed")


def test_an_erased_participant_leaves_for_good_and_their_relationship_closes(app):
    mentee = uuid4()
    relationship_id = started(app, mentee)
    app.save(*app.participant_left(mentee, erased=True, at=STARTED + timedelta(days=3)))
    assert stored(app, relationship_id).status == "closed"
    assert load_sync(app, participation_id(mentee), Participation, "participation").erased
