"""Someone who left keeps only their id and why in matching, and is never a candidate
again (issue 8)."""

from uuid import uuid4

import pytest

from services.matching.documents import to_document
from services.matching.domain.match_request import MatchRequest
from services.matching.domain.replicas import PoolMember
from shared.errors import RuleViolated
from tests.unit.matching.test_matching_replicas_and_publishing import PROFILE


def member() -> PoolMember:
    joined = PoolMember(id=uuid4(), program_id=uuid4(), organization_id="globex", profile=PROFILE, profile_version=2)
    joined.collect_events()
    return joined


@pytest.mark.parametrize("status", ["withdrawn", "erased"])
def test_who_leaves_keeps_only_their_id_and_status_in_the_member_and_its_document(status):
    left = member()
    left.leave(status)
    assert (left.status, left.profile, left.has_left) == (status, {}, True)
    document = to_document(left)
    assert document.body == {"id": str(left.id), "status": status}
    assert document.status == status and document.tags == []
    assert "globex" not in str(document.body) and "sql" not in str(document.body)


def test_who_left_is_never_a_candidate_again_and_learns_no_new_profile_or_status():
    left = member()
    left.leave("erased")
    left.collect_events()
    left.learn_profile({**PROFILE, "capacity": 9}, 3)
    left.learn_status("active")
    left.leave("withdrawn")
    assert left.collect_events() == []
    assert (left.status, left.profile) == ("erased", {})
    with pytest.raises(RuleViolated) as refusal:
        left.as_candidate()
    assert refusal.value.kind == "participant-left"


def test_a_withdrawn_person_who_is_then_erased_becomes_erased():
    left = member()
    left.leave("withdrawn")
    left.leave("erased")
    assert [type(e).__name__ for e in left.collect_events()] == ["PoolMemberLeft", "PoolMemberLeft"]
    assert left.status == "erased"


def test_leaving_as_anything_else_is_refused():
    with pytest.raises(RuleViolated):
        member().leave("paused")


def test_a_requests_document_is_tagged_with_who_asked_so_their_leaving_finds_it():
    mentee, co_mentee = uuid4(), uuid4()
    request = MatchRequest(id=uuid4(), program_id=uuid4(), organization_id="acme", details={
        "mentee_id": str(mentee), "co_mentee_id": str(co_mentee), "format": "reciprocal", "goals": []})
    assert to_document(request).tags == [f"participant:{mentee}", f"participant:{co_mentee}"]
