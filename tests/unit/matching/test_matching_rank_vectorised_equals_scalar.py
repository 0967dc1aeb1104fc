"""rank() orders mentors with the vectorised scorer: the same order as scoring each one."""

import random
from dataclasses import replace
from uuid import uuid4

import pytest

from services.matching.domain.hard_rules import refusal
from services.matching.domain.pool import OpenRequest
from services.matching.domain.scoring import score
from services.matching.domain.selection import rank
from tests.unit.matching.test_matching_vectorised_equals_scalar import TOPICS, WEIGHTS, random_person, random_rules


def scalar_order(request, mentee, mentors, managers):  # noqa: ANN001, ANN201
    allowed = [(m, score(request, mentee, m, WEIGHTS)) for m in mentors
               if refusal(request, mentee, m, managers) is None]
    return [(m.participant_id, s.total) for m, s in sorted(allowed, key=lambda p: (-p[1].total,
                                                                                   str(p[0].participant_id)))]


@pytest.mark.parametrize("seed", range(8))
def test_rank_gives_the_scalar_order_of_the_best_few(seed):
    rng = random.Random(seed)
    mentors = []
    for _ in range(120):
        mentors.append(random_person(rng, rng.choice(["mentor", "both"]), [m.participant_id for m in mentors]))
    # Twins of a few mentors (another id, the same profile) make ties that only the id breaks.
    mentors += [random_person(random.Random(seed), "mentor", []) for _ in range(3)]
    for _ in range(15):
        mentee = random_person(rng, "mentee", [m.participant_id for m in mentors])
        managers = {p.participant_id: p.manager_id for p in [*mentors, mentee]}
        request = OpenRequest(
            request_id=uuid4(), program_id=uuid4(), mentee_id=mentee.participant_id,
            format=rng.choice(["one_to_one", "reciprocal", "peer"]),
            goals=tuple((t, "outcome") for t in rng.sample(TOPICS, rng.randint(1, 3))),
            meeting_modes=frozenset(rng.sample(["in_person", "video", "phone"], rng.randint(0, 2))),
            must_have=frozenset(rng.sample(["language:fr", "organization:acme"], rng.randint(0, 1))),
            avoid=frozenset(rng.sample(["department:ops", "location:berlin"], rng.randint(0, 1))),
            declined_mentor_ids=frozenset({rng.choice(mentors).participant_id}), rules=random_rules(rng),
        )
        for limit in (1, 5, 40):
            ranked = rank(request, mentee, mentors, managers, WEIGHTS, limit=limit)
            assert [(c.mentor.participant_id, c.score.total) for c in ranked] == \
                scalar_order(request, mentee, mentors, managers)[:limit]


@pytest.mark.parametrize("seed", range(4))
def test_rank_among_many_twins_gives_the_scalar_order_refusals_and_a_named_twin_included(seed):
    """Mentors enrolled from one template score alike (scored once per profile): the rules
    still refuse each by itself, and a must-have naming one of them lifts that one alone."""
    rng = random.Random(seed)
    twins = [replace(random_person(random.Random(seed), "mentor", []), participant_id=uuid4(),
                     active=rng.random() > 0.2, load=rng.randint(0, 1), capacity=1) for _ in range(60)]
    mentors = twins + [random_person(rng, "mentor", []) for _ in range(10)]
    mentee = random_person(rng, "mentee", [])
    managers = {p.participant_id: p.manager_id for p in [*mentors, mentee]}
    named = rng.choice([t for t in twins[1:] if t.active and t.has_room]).participant_id
    for must_have in (frozenset(), frozenset({f"participant:{named}"})):
        request = OpenRequest(
            request_id=uuid4(), program_id=uuid4(), mentee_id=mentee.participant_id, format="one_to_one",
            goals=tuple((t, "outcome") for t in rng.sample(TOPICS, 2)), meeting_modes=frozenset(),
            must_have=must_have, declined_mentor_ids=frozenset({twins[0].participant_id}), rules=random_rules(rng),
        )
        for limit in (1, 5):
            ranked = rank(request, mentee, mentors, managers, WEIGHTS, limit=limit)
            assert [(c.mentor.participant_id, c.score.total) for c in ranked] == \
                scalar_order(request, mentee, mentors, managers)[:limit]
