"""Old event topics, kept resolvable after the domain was split into modules.

A stored event names its class by topic (`module:Class.Event`), and a topic is
forever. Two kinds of old topics exist:

- `...relationship:Relationship.<Event>` for events whose @event method was on
  Relationship itself before the split. The library gives Relationship a subclass
  of every event its bases define, but that subclass cannot apply itself (the
  library finds the method by the exact class), so Relationship's attribute is
  pointed at the class that records the event now. The old topic then resolves
  to a class that works, and `Relationship.<Event>` is what is really recorded.
- `...session_log:SessionLog.<Event>` for sessions, check-ins and stalls, whose
  module is gone: each is registered against the class that records it now.

Both take effect when relationship.py is imported, which every reader of the store
does first. tests/unit/sessions/test_sessions_histories_recorded_before_the_split.py
replays events and a snapshot stored by the code before the split.
"""

from typing import Any

from eventsourcing.utils import register_topic

SESSION_LOG = "services.sessions.domain.session_log:SessionLog"
MOVED_FROM_SESSION_LOG = ("SessionScheduled", "SessionRescheduled", "SessionCancelled", "SessionHeld",
                          "SessionMissed", "PrivateNoteAdded", "SessionReminderDue", "CheckInRecorded",
                          "RelationshipStalled")
LIBRARY_EVENTS = ("Event", "Created", "Snapshot")


def register(relationship_class: type[Any]) -> None:
    for name in recorded_event_names(relationship_class):
        setattr(relationship_class, name, recording_class(relationship_class, name))
    for name in MOVED_FROM_SESSION_LOG:
        register_topic(f"{SESSION_LOG}.{name}", recording_class(relationship_class, name))


def recorded_event_names(relationship_class: type[Any]) -> list[str]:
    names = {name for cls in relationship_class.__mro__ for name, value in vars(cls).items()
             if isinstance(value, type) and hasattr(value, "mutate") and name not in LIBRARY_EVENTS}
    return sorted(names)


def recording_class(relationship_class: type[Any], event_name: str) -> type[Any]:
    """The event class recorded for `event_name`: the one made where its @event method is
    defined, which is the first class in the hierarchy to have it."""
    for cls in reversed(relationship_class.__mro__):
        event_class = vars(cls).get(event_name)
        if event_class is not None:
            return event_class
    raise LookupError(f"Relationship records no {event_name}")
