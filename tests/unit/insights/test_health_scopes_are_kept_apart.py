"""Two programs and several organizations in one log: each reading sees only its own."""

import pytest

from tests.unit.insights.health_kit import folded
from tests.unit.insights.program_story import DAY, HOUR, T0, ProgramStory
from tests.unit.insights.relationship_story import matched_pair, started


@pytest.fixture(scope="module")
def two_programs() -> tuple:
    first, second = ProgramStory(("acme", "globex")), ProgramStory(("initech",), name="Second")
    cross = matched_pair(first, T0, organization="acme", mentor_organization="globex")
    started(first, cross, T0 + 3 * HOUR, organization="acme", mentor_organization="globex")
    lonely = first.request(first.enrol("mentee", "acme", T0), "acme", T0)
    first.unmatched(lonely, T0 + 14 * DAY)
    for _ in range(2):
        matched_pair(second, T0 + DAY, organization="initech", mentor_organization="initech")
    # The topics interleave: the two programs' events arrive mixed.
    log = [event for pair in zip(first.events, second.events, strict=False) for event in pair]
    log += first.events[len(second.events) :] + second.events[len(first.events) :]
    return folded(log), first, second


def test_each_program_counts_only_its_own_requests(two_programs: tuple) -> None:
    book, first, second = two_programs
    assert book.program(str(first.program))["overall"]["requests"]["requested"] == 2
    assert book.program(str(first.program))["overall"]["requests"]["match_rate"] == 0.5
    assert book.program(str(second.program))["overall"]["requests"]["requested"] == 2
    assert book.program(str(second.program))["overall"]["requests"]["match_rate"] == 1.0
    assert book.program(str(second.program))["name"] == "Second"


def test_an_organization_sees_its_own_requests_and_every_pair_it_has_a_party_in(
    two_programs: tuple,
) -> None:
    book, *_ = two_programs
    acme, globex = book.organization("acme")["overall"], book.organization("globex")["overall"]

    assert acme["requests"]["requested"] == 2 and globex["requests"]["requested"] == 0
    assert acme["participants"]["enrolled"] == 2 and globex["participants"]["enrolled"] == 1
    # The cross-organization pair is both organizations' relationship.
    assert acme["relationships"]["started"] == globex["relationships"]["started"] == 1
    assert globex["matching_quality"]["cross_organization_share"] == 1.0
    assert book.organization("initech")["overall"]["matching_quality"]["confirmed_pairs"] == 2


def test_a_program_or_organization_never_seen_is_a_key_error(two_programs: tuple) -> None:
    book, *_ = two_programs
    with pytest.raises(KeyError):
        book.program("8d7a3a3e-0000-4000-8000-000000000000")
    with pytest.raises(KeyError):
        book.organization("umbrella")
