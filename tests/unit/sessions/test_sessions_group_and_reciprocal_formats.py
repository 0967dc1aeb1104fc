"""Beyond one-to-one: a group (one mentor, several mentees) needs everyone's word, and
co-mentoring (both people mentor and mentee) pays forward and rematches both ways."""

from datetime import timedelta
from uuid import UUID

from services.sessions.domain.relationship import Relationship
from services.sessions.publishing import to_public
from tests.unit.sessions.sessions_domain_kit import (
    END_DATE, GOALS, LATER, MENTEE, MENTOR, PROGRAM_ID, RELATIONSHIP_ID, STARTED, drain, forming, names, refused,
    session_id,
)

SECOND_MENTEE = UUID("00000000-0000-4000-8000-00000000000d")


def group() -> Relationship:
    relationship = Relationship(
        id=RELATIONSHIP_ID, program_id=PROGRAM_ID, organization_id="acme", format="group",
        parties=[{"participant_id": str(MENTOR), "role": "mentor", "organization_id": "globex"},
                 {"participant_id": str(MENTEE), "role": "mentee", "organization_id": "acme"},
                 {"participant_id": str(SECOND_MENTEE), "role": "mentee", "organization_id": "acme"}],
        goals=[dict(goal) for goal in GOALS], cadence_days=14, length_weeks=12, ground_rules={},
        started_at=STARTED)
    relationship.history = relationship.collect_events()
    return relationship


def active_group() -> Relationship:
    relationship = group()
    relationship.propose_agreement(MENTOR, {"end_date": END_DATE}, STARTED)
    for person in relationship.party_ids:
        relationship.sign_agreement(person, 1, STARTED)
        relationship.acknowledge_ground_rules(person, STARTED)
    relationship.schedule_session(MENTOR, session_id(1), LATER, 60, "video", "", STARTED)
    relationship.mark_session_held(MENTOR, session_id(1), 60, [0], {}, LATER)
    drain(relationship)
    return relationship


def test_a_groups_agreement_takes_effect_only_when_every_member_signed():
    relationship = group()
    relationship.propose_agreement(MENTOR, {"end_date": END_DATE}, STARTED)
    relationship.sign_agreement(MENTOR, 1, STARTED)
    relationship.sign_agreement(MENTEE, 1, STARTED)
    assert relationship.agreement_in_force is None
    assert relationship.missing_for_activation()[0] == "an agreement signed by everyone"
    relationship.sign_agreement(SECOND_MENTEE, 1, STARTED)
    assert relationship.agreement_in_force == 1


def test_a_group_starts_only_when_every_member_acknowledged_the_ground_rules():
    relationship = group()
    relationship.propose_agreement(MENTOR, {"end_date": END_DATE}, STARTED)
    for person in relationship.party_ids:
        relationship.sign_agreement(person, 1, STARTED)
    relationship.acknowledge_ground_rules(MENTOR, STARTED)
    relationship.acknowledge_ground_rules(MENTEE, STARTED)
    assert relationship.missing_for_activation() == [f"ground rules acknowledged by {SECOND_MENTEE}"]
    refused(relationship, "relationship-not-active", lambda: relationship.schedule_session(
        MENTOR, session_id(1), LATER, 60, "video", "", STARTED))
    relationship.acknowledge_ground_rules(SECOND_MENTEE, STARTED)
    assert relationship.status == "active"


def test_in_a_group_the_mentee_who_said_not_a_good_fit_is_the_one_matched_again():
    relationship = active_group()
    relationship.report_pairing_fit(SECOND_MENTEE, "not_a_good_fit", LATER)
    relationship.end_for_no_fit(MENTOR, rematch=True, at=LATER + timedelta(hours=1))
    events = drain(relationship)
    assert names(events) == ["PairingFitReported", "RelationshipClosed", "RematchRequested"]
    assert relationship.rematch_pair(MENTOR) == (SECOND_MENTEE, MENTOR)
    public = to_public(events[-1], relationship)
    assert (public.contract.mentee_id, public.contract.excluded_mentor_id) == (SECOND_MENTEE, MENTOR)


def test_a_mentee_who_ends_for_no_fit_is_the_one_matched_again():
    relationship = active_group()
    relationship.report_pairing_fit(SECOND_MENTEE, "not_a_good_fit", LATER)
    relationship.end_for_no_fit(MENTEE, rematch=True, at=LATER)
    assert relationship.rematch_pair(MENTEE) == (MENTEE, MENTOR)


def test_in_co_mentoring_whoever_ends_for_no_fit_is_matched_again_away_from_the_other():
    relationship = forming(mentee_role="both", mentor_role="both")
    assert relationship.mentee_ids == relationship.mentor_ids == [MENTEE, MENTOR]
    assert relationship.rematch_pair(MENTOR) == (MENTOR, MENTEE)
    assert relationship.rematch_pair(MENTEE) == (MENTEE, MENTOR)


def test_in_co_mentoring_either_person_may_pay_it_forward_after_completing():
    relationship = forming(mentee_role="both", mentor_role="both")
    relationship.propose_agreement(MENTEE, {"end_date": END_DATE}, STARTED)
    for person in (MENTEE, MENTOR):
        relationship.sign_agreement(person, 1, STARTED)
        relationship.acknowledge_ground_rules(person, STARTED)
    relationship.close(MENTOR, "completed", "done", LATER)
    relationship.offer_to_pay_it_forward(MENTEE, LATER)
    relationship.offer_to_pay_it_forward(MENTOR, LATER)
    assert relationship.paid_forward == [str(MENTEE), str(MENTOR)]
