"""The matchmaker tries a waiting request again only when its pool changed or its wait is over."""

from uuid import uuid4

from services.matching.pool_queries import AwaitingRequest
from services.matching.retry_gate import RetryGate


def awaiting(request_id=None, stamp=(1, 10), wait_over=False):  # noqa: ANN001, ANN201
    return AwaitingRequest(request_id or uuid4(), uuid4(), stamp, wait_over)


def test_a_request_never_tried_is_worth_trying():
    request = awaiting()
    assert RetryGate().worth_trying([request]) == [request]


def test_an_unchanged_pool_is_not_tried_again():
    gate, request = RetryGate(), awaiting()
    gate.tried(request)
    assert gate.worth_trying([request]) == []


def test_a_changed_pool_or_request_is_tried_again():
    gate, request = RetryGate(), awaiting(stamp=(1, 10))
    gate.tried(request)
    seat_freed = awaiting(request.request_id, stamp=(1, 11))
    revised = awaiting(request.request_id, stamp=(2, 10))
    assert gate.worth_trying([seat_freed]) == [seat_freed]
    assert gate.worth_trying([revised]) == [revised]


def test_a_request_whose_wait_is_over_is_tried_whatever_the_pool():
    gate, request = RetryGate(), awaiting()
    gate.tried(request)
    over = awaiting(request.request_id, stamp=request.pool_stamp, wait_over=True)
    assert gate.worth_trying([over]) == [over]


def test_a_request_that_left_the_waiting_list_is_forgotten():
    gate, request = RetryGate(), awaiting()
    gate.tried(request)
    gate.worth_trying([])
    assert gate.worth_trying([request]) == [request]


def test_the_tries_own_save_is_not_taken_for_a_change():
    """A first wait saves an event (version 1 -> 2): the next pass must not try it again."""
    gate, request = RetryGate(), awaiting(stamp=(1, 10))
    gate.tried(request, version_after=2)
    assert gate.worth_trying([awaiting(request.request_id, stamp=(2, 10))]) == []


def test_retries_leave_new_requests_to_the_new_request_timer():
    gate = RetryGate()
    new, waiting_since_before_a_restart, tried = awaiting(), awaiting(stamp=(2, 10)), awaiting(stamp=(2, 10))
    gate.tried(tried)
    changed = awaiting(tried.request_id, stamp=(2, 11))
    assert gate.retries([new, waiting_since_before_a_restart, changed]) == [waiting_since_before_a_restart, changed]
    assert gate.never_tried([new, waiting_since_before_a_restart, changed]) == [new, waiting_since_before_a_restart]
