"""A person withdrew or was erased (intake decides that): matching forgets their profile,
cancels their open proposals at once and ends the requests they asked, all in the save
that records the message, so no timer has to notice and nothing is half done.

The open work is found in matching's documents, which trail the store by moments; what
was proposed in those moments is caught when it is answered or proposed (application.py
refuses people who left) and by the absent-people timer."""

from typing import Any
from uuid import UUID

from shared.store_access import find_sync, load_sync
from services.matching.application import MatchingApplication
from services.matching.domain.match_request import A_PARTICIPANT_LEFT, PARTICIPANT_LEFT, MatchRequest
from services.matching.domain.proposal import MatchProposal
from services.matching.domain.replicas import PoolMember


def when_participant_left(app: MatchingApplication, participant_id: UUID, status: str) -> list[Any]:
    member = find_sync(app, participant_id, PoolMember)
    if member is None:
        return []
    member.leave(status)
    changed: dict[UUID, Any] = {member.id: member}

    def loaded(ident: UUID, kind: type, what: str) -> Any:
        # One object per aggregate: two copies saved together would conflict with each other.
        if ident not in changed:
            changed[ident] = load_sync(app, ident, kind, what)
        return changed[ident]

    proposals, requests = open_work_of(app, participant_id)
    for proposal_id in proposals:
        proposal = loaded(proposal_id, MatchProposal, "match")
        if proposal.is_open:
            proposal.cancel(A_PARTICIPANT_LEFT)
            request = loaded(proposal.request_id, MatchRequest, "request")
            request.note_proposal_ended(proposal.id, declined_mentor=None)
            if proposal.mentee_id == participant_id:
                requests.append(request.id)
    for request_id in requests:
        request = loaded(request_id, MatchRequest, "request")
        request.give_up(A_PARTICIPANT_LEFT, PARTICIPANT_LEFT)
    return list(changed.values())


def open_work_of(app: MatchingApplication, participant_id: UUID) -> tuple[list[UUID], list[UUID]]:
    """Open proposals the person is in, and requests they asked that still await a mentor."""
    with app.recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute("SELECT to_regclass('documents') IS NOT NULL AS listed")
        row = cursor.fetchone()
        assert row is not None  # a SELECT without FROM answers one row
        if not row["listed"]:
            return [], []
        cursor.execute("""SELECT kind, id FROM documents WHERE tags @> %s
                          AND ((kind = 'match' AND status = 'proposed')
                               OR (kind = 'request' AND status IN ('awaiting', 'proposed')))
                          ORDER BY kind, id""", ([f"participant:{participant_id}"],))
        rows = cursor.fetchall()
    proposals = [UUID(str(row["id"])) for row in rows if row["kind"] == "match"]
    requests = [UUID(str(row["id"])) for row in rows if row["kind"] == "request"]
    return proposals, requests
