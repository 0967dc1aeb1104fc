"""Which waiting requests are worth trying again on this tick.

A request no mentor fits stays awaiting; trying it every tick against an unchanged pool
would repeat the same answer. It is tried again only when something it depends on
changed (the request, its program, a member or a seat of its program) or its waiting
time is over. Kept in memory: after a restart every request is tried once, which is
harmless, since proposing is idempotent and waiting records only what is new.
"""

from uuid import UUID

from services.matching.pool_queries import AwaitingRequest


class RetryGate:
    def __init__(self) -> None:
        self._tried_against: dict[UUID, tuple[int, int]] = {}

    def worth_trying(self, awaiting: list[AwaitingRequest]) -> list[AwaitingRequest]:
        still = {request.request_id for request in awaiting}
        for gone in set(self._tried_against) - still:
            del self._tried_against[gone]
        return [request for request in awaiting
                if request.wait_over or self._tried_against.get(request.request_id) != request.pool_stamp]

    def never_tried(self, awaiting: list[AwaitingRequest]) -> list[AwaitingRequest]:
        return [request for request in awaiting if request.request_id not in self._tried_against]

    def retries(self, awaiting: list[AwaitingRequest]) -> list[AwaitingRequest]:
        """Worth trying again, leaving out the new ones (version 1, not tried here): the
        new-request timer takes those, and the two never try one request at once."""
        return [request for request in self.worth_trying(awaiting)
                if request.request_id in self._tried_against or request.pool_stamp[0] > 1]

    def tried(self, request: AwaitingRequest, version_after: int | None = None) -> None:
        """`version_after`: the request's version once tried (a first wait saves an event)."""
        version = request.pool_stamp[0] if version_after is None else version_after
        self._tried_against[request.request_id] = (version, request.pool_stamp[1])
