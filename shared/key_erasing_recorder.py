"""A service's event store, with one addition: when the events being recorded say that a
person's keys are erased (ServiceApplication.keys_erased_by), their keys are deleted in
that same transaction.

A consumed `ParticipantErased` is recorded with its tracking record in one transaction;
deleting the keys there means that either the message counts as handled and the keys
are gone, or neither happened and the redelivered message tries again. Deleting them
after the commit could leave the keys behind for good if the process stopped between.
"""

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from psycopg import Cursor
from psycopg.rows import DictRow

from shared.binary_event_insert import BinaryInsertRecorder
from shared.vault import erase_in_transaction

ERASE_KEYS_OF = "erase_keys_of"
TOPIC = "shared.key_erasing_recorder:KeyErasingRecorder"


class KeyErasingRecorder(BinaryInsertRecorder):
    def _insert_events(self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent],
                       **kwargs: Any) -> None:
        subjects = kwargs.get(ERASE_KEYS_OF)
        if subjects:
            erase_in_transaction(curs, subjects)
        super()._insert_events(curs, stored_events, **kwargs)
