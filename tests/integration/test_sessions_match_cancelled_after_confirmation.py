"""Sessions over real Kafka: matching cancelled a confirmed match because intake had
withdrawn the request meanwhile; the relationship it started ends with that reason,
once, in the mentee's name (issue 8, docs/adr/0004)."""

from uuid import uuid4

import pytest

from shared.contracts.matching import MatchCancelled
from shared.store_access import find_sync
from services.sessions.domain.relationship import Relationship
from tests.integration.test_sessions_participant_leaving import api, closing_reasons, confirmed_match, send, status_of
from tests.support.api_client import eventually

pytestmark = pytest.mark.integration
__all__ = ["api"]  # the module's service, shared with the leaving tests
WITHDRAWN_BEFORE_START = "the request was withdrawn before the match started"


def started(client, settings):  # noqa: ANN001, ANN201
    match = confirmed_match(uuid4(), uuid4())
    send(settings, "matching", match)
    eventually(lambda: find_sync(client.app.state.runtime.app, match.request_id, Relationship),
               what="the relationship to start")
    return match


def cancelled(match, after_confirmation: bool) -> MatchCancelled:  # noqa: ANN001
    return MatchCancelled(proposal_id=match.proposal_id, request_id=match.request_id, program_id=match.program_id,
                          reason=WITHDRAWN_BEFORE_START, after_confirmation=after_confirmation)


def test_a_confirmed_match_cancelled_after_all_closes_its_relationship_with_the_reason_once(api):
    client, settings = api
    match = started(client, settings)
    send(settings, "matching", cancelled(match, True), cancelled(match, True))

    eventually(lambda: status_of(client, match.request_id) == "closed", what="the relationship to close")
    closes = [event for event in client.app.state.runtime.app.events.get(match.request_id)
              if type(event).__name__ == "RelationshipClosed"]
    assert [(event.by, event.outcome) for event in closes] == [(match.mentee_id, "ended_early")]
    assert closing_reasons(client, match.request_id) == [WITHDRAWN_BEFORE_START]


def test_an_ordinary_cancellation_leaves_a_relationship_alone(api):
    client, settings = api
    match, marker = started(client, settings), started(client, settings)
    send(settings, "matching", cancelled(match, False), cancelled(marker, True))
    # One key, in order: once the marker's relationship closed, the first message was handled.
    eventually(lambda: status_of(client, marker.request_id) == "closed", what="the marker to close")
    assert status_of(client, match.request_id) != "closed"
