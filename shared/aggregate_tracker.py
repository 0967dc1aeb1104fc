"""Follows aggregates through the notification log so each event can be mapped with
the state it produced, without reloading the aggregate from the store every time."""

from collections import OrderedDict
from typing import Any
from uuid import UUID

from eventsourcing.application import Application


class AggregateTracker:
    def __init__(self, app: Application[UUID], max_size: int = 10_000) -> None:
        self._app = app
        self._max_size = max_size
        self._aggregates: OrderedDict[UUID, Any] = OrderedDict()

    def state_after(self, event: Any) -> Any:
        aggregate_id = event.originator_id
        cached = self._aggregates.pop(aggregate_id, None)
        if event.originator_version == 1:
            aggregate = event.mutate(None)
        elif cached is not None and cached.version == event.originator_version - 1:
            aggregate = event.mutate(cached)
        else:
            aggregate = self._app.repository.get(aggregate_id, version=event.originator_version)
        self._aggregates[aggregate_id] = aggregate
        if len(self._aggregates) > self._max_size:
            self._aggregates.popitem(last=False)
        return aggregate
