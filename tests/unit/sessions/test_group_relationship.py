"""A group relationship: every party signs and acknowledges, sessions are held for the group
with what each learned, each checks in, and a mentee who leaves leaves the group while the
others go on; the last mentee leaving, or the mentor, closes it."""

from datetime import timedelta
from uuid import uuid4

from services.sessions.consumers import relationship_parties
from services.sessions.domain.closing import A_PARTY_LEFT
from services.sessions.publishing import to_public
from shared.contracts import sessions as contracts
from shared.contracts.matching import MatchConfirmed
from shared.contracts.vocabulary import GroundRulesTemplate
from tests.unit.sessions.group_builders import (
    ADA,
    BEN,
    CLEO,
    EVERYONE,
    GROUP_MENTOR,
    active_group,
    forming_group,
)
from tests.unit.sessions.relationship_builders import START, refused
from tests.unit.sessions.sessions_domain_kit import replay

LATER = START + timedelta(days=1)


def test_a_group_starts_only_once_every_member_signed_and_acknowledged():
    relationship = forming_group()
    version = relationship.propose_agreement(GROUP_MENTOR, {"end_date": "2026-06-01"}, START)
    for person in EVERYONE[:-1]:
        relationship.sign_agreement(person, version, START)
        relationship.acknowledge_ground_rules(person, START)
    assert relationship.status == "forming" and relationship.agreement_in_force is None
    relationship.sign_agreement(CLEO, version, START)
    assert relationship.agreement_in_force == version and relationship.status == "forming"
    relationship.acknowledge_ground_rules(CLEO, START)
    assert relationship.status == "active"


def test_a_session_is_held_for_the_group_with_what_each_member_learned():
    relationship = active_group()
    session = uuid4()
    relationship.schedule_session(ADA, session, LATER, 60, "video", "", START)
    learned = {str(ADA): ["structure"], str(BEN): ["pauses"], str(CLEO): ["openings"]}
    relationship.mark_session_held(GROUP_MENTOR, session, 60, [0], learned, LATER)
    assert relationship.sessions[str(session)]["learned"] == learned


def test_each_member_checks_in_for_themself():
    relationship = active_group()
    for person in EVERYONE:
        relationship.record_check_in(person, 4, 3, None, LATER)
    assert [entry["by"] for entry in relationship.check_ins] == [str(person) for person in EVERYONE]


def test_a_mentee_who_leaves_leaves_the_group_and_it_goes_on():
    relationship = active_group()
    relationship.close_as_a_party_left(BEN, LATER)
    events = relationship.collect_events()
    assert [(type(e).__name__, e.participant_id, e.reason) for e in events] == [
        ("MenteeLeftGroup", BEN, A_PARTY_LEFT)]
    assert relationship.status == "active"
    assert relationship.mentee_ids == [ADA, CLEO] and BEN not in relationship.party_ids
    assert relationship.left_the_group == [str(BEN)]


def test_the_mentee_who_left_can_no_longer_act_in_the_group():
    relationship = active_group()
    relationship.close_as_a_party_left(BEN, LATER)
    relationship.collect_events()
    refused(relationship, "not-a-party", lambda: relationship.record_check_in(BEN, 3, 3, None, LATER))


def test_the_last_mentee_leaving_closes_the_group():
    relationship = active_group()
    relationship.close_as_a_party_left(ADA, LATER)
    relationship.close_as_a_party_left(BEN, LATER)
    relationship.collect_events()
    relationship.close_as_a_party_left(CLEO, LATER)
    assert [type(e).__name__ for e in relationship.collect_events()] == ["RelationshipClosed"]
    assert relationship.status == "closed" and relationship.outcome == "ended_early"


def test_the_mentor_leaving_closes_the_group():
    relationship = active_group()
    relationship.close_as_a_party_left(GROUP_MENTOR, LATER)
    assert relationship.status == "closed"


def test_a_forming_group_whose_last_unsigned_member_leaves_takes_effect_and_starts():
    relationship = forming_group()
    version = relationship.propose_agreement(GROUP_MENTOR, {"end_date": "2026-06-01"}, START)
    for person in (GROUP_MENTOR, ADA, BEN):
        relationship.sign_agreement(person, version, START)
        relationship.acknowledge_ground_rules(person, START)
    relationship.collect_events()
    relationship.close_as_a_party_left(CLEO, LATER)
    names = [type(e).__name__ for e in relationship.collect_events()]
    assert names == ["MenteeLeftGroup", "AgreementInEffect", "RelationshipActivated"]
    assert relationship.status == "active"


def test_leaving_is_refused_outside_a_group():
    relationship = active_group()
    relationship.format = "one_to_one"  # the same parties in another format
    refused(relationship, "cannot-leave-group", lambda: relationship.leave_group(ADA, A_PARTY_LEFT, LATER))


def test_the_mentee_leaving_is_published_with_who_left_and_no_free_text():
    relationship = active_group()
    relationship.close_as_a_party_left(BEN, LATER)
    (event,) = relationship.collect_events()
    public = to_public(event, relationship)
    assert public is not None and isinstance(public.contract, contracts.MenteeLeftGroup)
    assert (public.contract.participant_id, public.contract.reason) == (BEN, A_PARTY_LEFT)
    assert public.key == relationship.id


def test_a_group_rebuilt_from_its_events_has_the_members_who_stayed():
    relationship = forming_group()
    history = list(relationship.pending_creation)
    relationship.close_as_a_party_left(BEN, LATER)
    history += relationship.collect_events()
    rebuilt = None
    for event in history:
        rebuilt = event.mutate(rebuilt)
    assert rebuilt is not None
    assert (rebuilt.mentee_ids, rebuilt.left_the_group) == ([ADA, CLEO], [str(BEN)])


def test_a_confirmed_group_makes_the_mentor_and_every_mentee_parties_in_their_organizations():
    fact = MatchConfirmed(
        proposal_id=uuid4(), request_id=uuid4(), program_id=uuid4(), organization_id="acme",
        mentor_organization_id="globex", mentee_id=ADA, mentor_id=GROUP_MENTOR, format="group",
        co_mentees=[{"participant_id": BEN, "organization_id": "acme"},
                    {"participant_id": CLEO, "organization_id": "initech"}],
        goals=[{"topic": "leadership", "outcome": "lead a team"}], cadence_days=14, length_weeks=12,
        ground_rules=GroundRulesTemplate())
    parties = {(p["participant_id"], p["role"], p["organization_id"]) for p in relationship_parties(fact)}
    assert parties == {(str(ADA), "mentee", "acme"), (str(GROUP_MENTOR), "mentor", "globex"),
                       (str(BEN), "mentee", "acme"), (str(CLEO), "mentee", "initech")}


def test_attendance_is_recorded_per_member_and_published():
    relationship = active_group()
    session = uuid4()
    relationship.schedule_session(ADA, session, LATER, 60, "video", "", START)
    relationship.collect_events()
    relationship.mark_session_held(GROUP_MENTOR, session, 60, [0], {str(ADA): ["delegation"]}, LATER, [CLEO])
    assert relationship.sessions[str(session)]["absent"] == [str(CLEO)]
    (held,) = relationship.collect_events()
    published = to_public(held, relationship)
    assert published is not None and published.contract.absent == [CLEO]


def test_an_absent_member_learned_nothing_there_and_too_few_present_is_a_missed_session():
    relationship = active_group()
    session = uuid4()
    relationship.schedule_session(ADA, session, LATER, 60, "video", "", START)
    relationship.collect_events()
    refused(relationship, "learner-absent", lambda: relationship.mark_session_held(
        GROUP_MENTOR, session, 60, [0], {str(CLEO): ["x"]}, LATER, [CLEO]))
    refused(relationship, "too-few-present", lambda: relationship.mark_session_held(
        GROUP_MENTOR, session, 60, [0], {}, LATER, [ADA, BEN, CLEO]))
    refused(relationship, "absent-not-a-party", lambda: relationship.mark_session_held(
        GROUP_MENTOR, session, 60, [0], {}, LATER, [uuid4()]))



def test_a_session_held_before_attendance_was_recorded_replays_as_everyone_present():
    relationship = forming_group()
    version = relationship.propose_agreement(GROUP_MENTOR, {"end_date": "2026-06-01", "cadence_days": 7}, START)
    for person in EVERYONE:
        relationship.sign_agreement(person, version, START)
        relationship.acknowledge_ground_rules(person, START)
    session = uuid4()
    relationship.schedule_session(ADA, session, LATER, 60, "video", "", START)
    relationship.mark_session_held(GROUP_MENTOR, session, 60, [0], {}, LATER)
    events = [*relationship.pending_creation, *relationship.collect_events()]
    del events[-1].__dict__["absent"]  # as stored before the field existed
    rebuilt = replay(events)
    assert rebuilt.sessions[str(session)]["absent"] == []
    published = to_public(events[-1], rebuilt)
    assert published is not None and published.contract.absent == []
