import pytest

import shared.contracts.intake  # noqa: F401  (registers the contracts)
import shared.contracts.matching  # noqa: F401
import shared.contracts.sessions  # noqa: F401
from shared.contracts.base import CONTRACTS
from shared.contracts.vocabulary import Goal

SERVICE_CONTRACTS = {name: cls for name, cls in CONTRACTS.items() if name.split(".")[1] != "spinetest"}


@pytest.mark.parametrize("type_name", sorted(SERVICE_CONTRACTS))
def test_every_contract_exports_a_json_schema_named_by_its_type(type_name):
    schema = SERVICE_CONTRACTS[type_name].json_schema()
    assert schema["title"] == type_name
    assert schema["$id"].endswith(f"{type_name}.json")
    assert schema["type"] == "object"


def test_service_base_classes_are_not_registered_as_events():
    assert not any(name.endswith(("IntakeEvent.v1", "MatchingEvent.v1", "SessionsEvent.v1")) for name in CONTRACTS)


def test_contracts_refuse_unknown_fields():
    with pytest.raises(ValueError):
        Goal(topic="x", outcome="y", secret="z")


def test_goal_topics_are_normalised_for_comparison():
    assert Goal(topic="  Public Speaking ", outcome="talk").topic == "public speaking"


def test_no_contract_has_a_field_for_contact_or_free_text_notes():
    forbidden = ("email", "phone", "note", "reflection", "comment", "ciphertext", "message")
    for type_name, contract in SERVICE_CONTRACTS.items():
        for field in contract.model_fields:
            assert not any(word in field for word in forbidden), f"{type_name}.{field}"
