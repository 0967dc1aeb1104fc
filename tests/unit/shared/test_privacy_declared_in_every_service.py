"""Privacy is declared once, on the events (shared/privacy.py), in every service: each
sealed field of every event any service records carries `Private(owner=...)` naming a
field of that event, and every service that keeps declared-private text in its store
deletes the owner's key in the transaction that records their erasure."""

import importlib
import pkgutil
from typing import Any, get_type_hints

import pytest
from eventsourcing.domain import Aggregate, CanMutateAggregate

from shared import key_erasing_recorder
from shared.eventstore import ServiceApplication
from shared.privacy import private_fields
from services.matching.application import MatchingApplication
from services.sessions.application import SessionsApplication

SERVICES = ("intake", "matching", "sessions", "insights", "webhooks")


def event_classes_of(service: str) -> list[type[Any]]:
    package = importlib.import_module(f"services.{service}")
    for module in pkgutil.walk_packages(package.__path__, f"services.{service}."):
        if ".main" not in module.name:
            importlib.import_module(module.name)
    found, pending = set(), [CanMutateAggregate]
    while pending:
        for subclass in pending.pop().__subclasses__():
            pending.append(subclass)
            if subclass.__module__.startswith(f"services.{service}.") and issubclass(subclass, Aggregate.Event):
                found.add(subclass)
    return sorted(found, key=lambda cls: cls.__qualname__)


DECLARING = {service: [cls for cls in event_classes_of(service) if private_fields(cls)] for service in SERVICES}


@pytest.mark.parametrize("service", SERVICES)
def test_every_sealed_field_of_every_event_is_declared_private_with_an_owner_on_the_event(service):
    events = event_classes_of(service)
    for cls in events:
        fields = get_type_hints(cls)
        declared = private_fields(cls)
        assert {field for field in fields if "ciphertext" in field} <= set(declared), cls.__qualname__
        assert all(private.owner in {*fields, "originator_id"} for private in declared.values()), cls.__qualname__


def test_the_services_keeping_private_text_are_intake_matching_and_sessions():
    assert {service for service, declaring in DECLARING.items() if declaring} == {"intake", "matching", "sessions"}
    assert {cls.__name__ for cls in DECLARING["matching"]} == {"MatchDeclined"}


@pytest.mark.parametrize("application", [MatchingApplication, SessionsApplication])
def test_a_service_holding_someones_sealed_text_deletes_their_key_with_the_record_of_their_erasure(application):
    # Intake decides erasures and deletes its key itself (services/intake/api/participants.py).
    assert application.env["PROCESS_RECORDER_TOPIC"] == key_erasing_recorder.TOPIC
    assert application.keys_erased_by is not ServiceApplication.keys_erased_by
