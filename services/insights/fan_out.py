"""One ingestion, many stream clients: the ingest loop hands each committed batch here
and every subscriber whose filter matches gets the events in its own bounded queue.

A subscriber whose queue is full is marked overflowed instead of buffering more: its
stream then ends with the id it reached, and the client resumes from the database."""

import asyncio
from collections.abc import Iterable

from services.insights.stored_event import StoredEvent
from services.insights.stream_filter import StreamFilter


class Subscriber:
    def __init__(self, wanted: StreamFilter, capacity: int) -> None:
        self.wanted = wanted
        self.queue: asyncio.Queue[StoredEvent] = asyncio.Queue(maxsize=capacity)
        self.overflowed = False

    def offer(self, event: StoredEvent) -> None:
        if self.overflowed or not self.wanted.matches(event):
            return
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.overflowed = True

    def start_over(self) -> None:
        """Forget what is queued (the caller reads it from the database instead)."""
        while not self.queue.empty():
            self.queue.get_nowait()
        self.overflowed = False


class FanOut:
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.subscribers: set[Subscriber] = set()

    def subscribe(self, wanted: StreamFilter) -> Subscriber:
        subscriber = Subscriber(wanted, self.capacity)
        self.subscribers.add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self.subscribers.discard(subscriber)

    def publish(self, events: Iterable[StoredEvent]) -> None:
        batch = list(events)
        for subscriber in list(self.subscribers):
            for event in batch:
                subscriber.offer(event)
