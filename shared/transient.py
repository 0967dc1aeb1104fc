"""Which failures are the infrastructure's (retry later) and which are the record's
(park it and move on). A follower that retried a bad record forever would halt every
tenant; one that parked a record because the broker was away would lose it."""

import asyncio

import asyncpg
from aiokafka.errors import KafkaError
from eventsourcing.persistence import DatabaseError as StoreDatabaseError
from eventsourcing.persistence import InterfaceError as StoreInterfaceError
from eventsourcing.persistence import OperationalError as StoreOperationalError

INFRASTRUCTURE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,  # includes ConnectionError: a socket went away
    asyncio.TimeoutError,
    asyncpg.PostgresConnectionError,  # SQLSTATE class 08
    asyncpg.InterfaceError,  # the connection was closed or is in a bad state
    asyncpg.exceptions.OperatorInterventionError,  # class 57: the server is shutting down
    asyncpg.exceptions.InsufficientResourcesError,  # class 53: too many connections, disk full
    StoreOperationalError,
    StoreInterfaceError,
)


def is_transient(error: BaseException) -> bool:
    if isinstance(error, KafkaError):
        return bool(getattr(error, "retriable", False)) or type(error).__name__ in {
            "KafkaConnectionError", "NodeNotReadyError", "RequestTimedOutError", "KafkaTimeoutError"}
    # The store's bare DatabaseError is what a connection lost mid-statement becomes;
    # its subclasses (DataError, ProgrammingError, IntegrityError...) are about the data.
    return isinstance(error, INFRASTRUCTURE_ERRORS) or type(error) is StoreDatabaseError


def reason_of(error: BaseException) -> str:
    """A parked record's reason: the error's kind and message, bounded for storage."""
    return f"{type(error).__name__}: {error}"[:4000]
