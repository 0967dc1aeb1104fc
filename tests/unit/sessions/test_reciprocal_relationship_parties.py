"""Who a confirmed match makes parties of the relationship: in co-mentoring both people are
mentee and mentor at once, and a named co-mentee is never dropped (issue 8)."""

from uuid import uuid4

from shared.contracts.matching import MatchConfirmed
from shared.contracts.vocabulary import GroundRulesTemplate
from services.sessions.consumers import relationship_parties


def confirmed(fmt: str, mentee_id, mentor_id, co_mentee_id=None) -> MatchConfirmed:  # noqa: ANN001
    return MatchConfirmed(
        proposal_id=uuid4(), request_id=uuid4(), program_id=uuid4(), organization_id="acme",
        mentor_organization_id="globex", mentee_id=mentee_id, mentor_id=mentor_id, co_mentee_id=co_mentee_id,
        format=fmt, goals=[{"topic": "leadership", "outcome": "manage people"}], cadence_days=14, length_weeks=12,
        ground_rules=GroundRulesTemplate())


def roles(fact: MatchConfirmed) -> dict[str, str]:
    return {party["participant_id"]: party["role"] for party in relationship_parties(fact)}


def test_a_co_mentoring_pair_makes_both_people_parties_in_both_roles():
    junior, leader = uuid4(), uuid4()
    assert roles(confirmed("reciprocal", junior, leader, co_mentee_id=leader)) == {
        str(junior): "both", str(leader): "both"}


def test_a_one_to_one_match_keeps_one_mentee_and_one_mentor():
    ada, grace = uuid4(), uuid4()
    assert roles(confirmed("one_to_one", ada, grace)) == {str(ada): "mentee", str(grace): "mentor"}


def test_a_co_mentee_who_is_not_the_proposals_mentor_is_still_a_party():
    # Matches confirmed before the fix paired a third person; the co-mentee asked to be in it.
    junior, third, leader = uuid4(), uuid4(), uuid4()
    assert roles(confirmed("reciprocal", junior, third, co_mentee_id=leader)) == {
        str(junior): "both", str(third): "both", str(leader): "both"}
