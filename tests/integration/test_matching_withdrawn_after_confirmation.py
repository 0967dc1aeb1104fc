"""On real PostgreSQL: intake owns "the request is over". When its withdrawal reaches
matching after the match was confirmed, matching cancels the confirmed match and frees
both seats in the save that tracks the message, exactly once (issue 8); and people who
left are never confirmed or proposed for, even before their leaving reached the lists."""

from datetime import timedelta

import pytest
from eventsourcing.persistence import Tracking

from shared.consumer import APPLIED, DUPLICATE, ConsumerRunner
from shared.contracts.intake import MentorshipRequestWithdrawn, ParticipantErased, ParticipantWithdrew
from shared.store_access import load_sync
from services.matching import consumers
from services.matching.domain.match_request import MatchRequest
from services.matching.domain.proposal import MatchProposal
from services.matching.domain.seats import Seats, seats_id
from services.matching.publishing import to_public
from tests.integration.test_matching_waits_and_frees import ASKED, app, confirmed_relationship, enrol_mentor, seed

pytestmark = pytest.mark.integration
WITHDRAWN_BEFORE_START = "the request was withdrawn before the match started"
A_PARTICIPANT_LEFT = "a participant left the program"
__all__ = ["app"]  # the fixture, shared with the seats tests


def runner_for(app) -> ConsumerRunner:  # noqa: ANN001
    return ConsumerRunner("pool", app, consumers.handlers(app), None, None)


def apply(runner: ConsumerRunner, fact, position: int) -> str:  # noqa: ANN001
    return runner._apply(runner._handlers[type(fact)], fact, None, Tracking("pool|intake:0", position))


def test_a_withdrawal_after_the_confirmation_cancels_the_match_and_frees_both_seats_once(app):
    request, mentor, mentee = confirmed_relationship(app)
    proposal_id = load_sync(app, request.id, MatchRequest, "request").current_proposal
    runner = runner_for(app)
    withdrawn = MentorshipRequestWithdrawn(request_id=request.id, program_id=request.program_id)

    assert apply(runner, withdrawn, 3) == APPLIED
    assert apply(runner, withdrawn, 3) == DUPLICATE
    assert apply(runner, withdrawn, 4) == APPLIED  # re-sent under a new position: nothing more happens

    proposal = load_sync(app, proposal_id, MatchProposal, "match")
    assert (proposal.status, proposal.ended_reason) == ("cancelled", WITHDRAWN_BEFORE_START)
    assert load_sync(app, request.id, MatchRequest, "request").status == "withdrawn"
    for person, role in ((mentor.id, "mentor"), (mentee.id, "mentee")):
        seats = load_sync(app, seats_id(person, role), Seats, "seats")
        assert seats.held == []
        assert [type(e).__name__ for e in app.repository.event_store.get(seats.id)].count("SeatReleased") == 1
    cancellations = [to_public(e, proposal).contract for e in app.repository.event_store.get(proposal_id)
                     if type(e).__name__ == "MatchCancelled"]
    assert [(c.reason, c.after_confirmation) for c in cancellations] == [(WITHDRAWN_BEFORE_START, True)]


def test_a_withdrawal_of_an_open_proposal_is_an_ordinary_cancellation(app):
    program, request, _ = seed(app)
    proposal = app.propose_next(request.id, [app.candidate(enrol_mentor(app, program).id)], ASKED)
    assert apply(runner_for(app), MentorshipRequestWithdrawn(request_id=request.id, program_id=program.id), 1) \
        == APPLIED
    cancelled = load_sync(app, proposal.id, MatchProposal, "match")
    assert (cancelled.status, cancelled.ended_reason) == ("cancelled", "the request was withdrawn")


def test_no_match_is_confirmed_for_someone_who_left_though_their_proposal_was_still_open(app):
    # No documents are projected here, so the leaving finds no open work: as when the
    # lists trail the store. The second acceptance must still not confirm.
    program, request, _ = seed(app)
    mentor = enrol_mentor(app, program)
    proposal = app.propose_next(request.id, [app.candidate(mentor.id)], ASKED)
    app.accept(proposal.id, "mentee", ASKED + timedelta(minutes=1))
    assert apply(runner_for(app), ParticipantErased(participant_id=mentor.id, program_id=program.id), 1) == APPLIED

    answered = app.accept(proposal.id, "mentor", ASKED + timedelta(minutes=2))
    assert (answered.status, answered.ended_reason) == ("cancelled", A_PARTICIPANT_LEFT)
    assert load_sync(app, seats_id(mentor.id, "mentor"), Seats, "seats").held == []


def test_a_request_of_a_mentee_who_left_ends_instead_of_being_proposed(app):
    program, request, mentee = seed(app)
    mentor = enrol_mentor(app, program)
    assert apply(runner_for(app), ParticipantWithdrew(participant_id=mentee.id, program_id=program.id), 1) == APPLIED

    assert app.propose_next(request.id, [app.candidate(mentor.id)], ASKED) is None
    ended = load_sync(app, request.id, MatchRequest, "request")
    assert (ended.status, ended.unmatched_reason_code) == ("unmatched", "participant-left")
