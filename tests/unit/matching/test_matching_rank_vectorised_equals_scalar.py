"""rank() orders mentors with the vectorised scorer: the same order as scoring each one."""

import random
from dataclasses import replace
from uuid import uuid4

import pytest

from services.matching.domain.hard_rules import refusal
from services.matching.domain.pool import OpenRequest, with_one_more_open_proposal
from services.matching.domain.scoring import score
from services.matching.domain.selection import ARRAYS, rank
from tests.unit.matching.people import WEIGHTS as PEOPLE_WEIGHTS, candidate, mentee, open_request
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


def test_the_kept_mentor_columns_follow_each_mentors_room_through_a_pass():
    """The columns are kept across loads (a pass makes a mentor fuller at each proposal):
    a mentor who fills up is passed over at once, and one who has room again is back,
    without the columns kept for the others changing under them."""
    seeker = mentee()
    mentors = [candidate(years_experience=30, capacity=1), candidate(years_experience=20, capacity=1)]
    request = open_request(seeker)

    def chosen(pool):  # noqa: ANN001, ANN202
        return [choice.mentor.participant_id for choice in rank(request, seeker, pool, {}, PEOPLE_WEIGHTS, limit=1)]

    [best] = chosen(mentors)
    [second] = [m.participant_id for m in mentors if m.participant_id != best]
    full = with_one_more_open_proposal(mentors, best)
    assert chosen(full) == [second]
    kept, _, _ = ARRAYS.of(full, PEOPLE_WEIGHTS)  # the columns say so too, not only the scalar rule behind them
    assert kept.mentors.takes_mentees.tolist() == [m.participant_id != best for m in mentors]
    assert ARRAYS.of(mentors, PEOPLE_WEIGHTS)[0].mentors.takes_mentees.tolist() == [True, True]
    assert chosen(with_one_more_open_proposal(full, second)) == []
    assert chosen(mentors) == [best]
