"""What intake publishes: the contracts matching needs, never sealed personal text."""

from uuid import uuid4

from shared.contracts import intake as contracts
from services.intake.publishing import to_public
from tests.unit.intake.builders import person, program, request


def published(*aggregates_with_history):  # noqa: ANN002
    """Replays each aggregate's pending events and maps each with the state it made."""
    results = []
    for aggregate in aggregates_with_history:
        state = None
        for event in aggregate.collect_events():
            state = event.mutate(state)
            results.append((type(event).__name__, to_public(event, state)))
    return results


def test_each_public_event_maps_to_its_contract_keyed_and_scoped():
    leaders = program()
    ada = person(leaders)
    ada.pause()
    ada.resume()
    ada.update_profile({**ada.profile, "wants": ["negotiation"]})
    ada.offer_to_mentor(uuid4())
    ada.confirm_mentor_enrolment()
    ada.withdraw()
    ada.erase()
    for name, public in published(ada):
        assert public is not None, name
        assert public.key == ada.id and public.tenant == "acme"
    names = [type(public.contract).__name__ for _, public in published(person(leaders))]
    assert names == ["ParticipantEnrolled"]


def test_profile_events_carry_the_matchable_profile_and_its_version():
    leaders = program()
    ada = person(leaders)
    ada.update_profile({**ada.profile, "capacity": 3})
    contract = published(ada)[-1][1].contract
    assert isinstance(contract, contracts.ParticipantProfileUpdated)
    assert (contract.profile_version, contract.profile.capacity) == (2, 3)


def test_no_public_event_carries_sealed_personal_text():
    leaders = program()
    ada, grace = person(leaders), person(leaders, roles="mentor")
    ask = request(leaders, ada, named=grace.id)
    ask.update(ask.goals, ["phone"], {"must_have": [], "avoid": []})
    ask.withdraw()
    ada.erase()
    text = " ".join(p.contract.model_dump_json() for _, p in published(leaders, ada, grace, ask) if p)
    assert "SEALED" not in text


def test_request_events_are_keyed_by_the_relationship_id():
    leaders = program()
    ask = request(leaders, person(leaders))
    (name, public), = published(ask)
    assert name == "MentorshipRequested" and public.key == ask.id and public.relationship == ask.id


def test_bookkeeping_events_stay_inside_intake():
    leaders = program()
    ada = person(leaders)
    ada.collect_events()
    ask = request(leaders, ada)
    ask.collect_events()
    ada.note_request_opened(ask.id, ["leadership"])
    ada.note_request_settled(ask.id)
    ask.mark_matched(uuid4())
    ask.mark_closed()
    state_ada, state_ask = ada, ask
    for event in ada.collect_events():
        assert to_public(event, state_ada) is None
    for event in ask.collect_events():
        assert to_public(event, state_ask) is None


def test_program_events_publish_the_terms_and_the_policy_version():
    leaders = program()
    leaders.change_settings({**leaders.settings, "acceptance_window_hours": 24})
    leaders.pause()
    (_, opened), (_, changed), (_, paused) = published(leaders)
    assert isinstance(opened.contract, contracts.ProgramOpened)
    assert changed.contract.terms.acceptance_window_hours == 24 and changed.contract.policy_version == 2
    assert paused.contract.status == "paused"
