"""The numpy scorer used for whole-pool runs gives the scalar scorer's answers."""

import random
from uuid import uuid4

import numpy as np
import pytest

from services.matching.domain.hard_rules import refusal
from services.matching.domain.pool import Candidate, OpenRequest, ProgramRules, Window
from services.matching.domain.scoring import score
from services.matching.domain.vectorised import REFUSED, VectorScorer

TOPICS = ["python", "sql", "public speaking", "negotiation", "design", "finance", "hiring", "writing"]
ZONES = ["Europe/Paris", "Europe/Helsinki", "America/New_York", "Asia/Kolkata", "UTC"]
WEIGHTS = {"learning": 40, "reciprocity": 20, "logistics": 20, "language": 10, "career_gap": 5, "outside_circle": 5}


def random_window(rng: random.Random) -> Window:
    start = rng.randrange(0, 22 * 4) * 15
    return Window(rng.randrange(7), start, min(start + rng.choice([60, 90, 120]), 24 * 60))


def random_rules(rng: random.Random) -> ProgramRules:
    """A program's switchable rules, each on about half the time."""
    return ProgramRules(same_organization=rng.random() < 0.5, shared_language=rng.random() < 0.5,
                        max_time_zone_gap_hours=rng.choice([None, None, 0, 3, 6]))


def random_person(rng: random.Random, roles: str, managers: list) -> Candidate:
    return Candidate(
        participant_id=uuid4(), program_id=uuid4(), profile_version=1, roles=roles,
        offers={t: rng.choice(["basic", "intermediate", "expert"]) for t in rng.sample(TOPICS, rng.randint(0, 3))},
        wants=frozenset(rng.sample(TOPICS, rng.randint(0, 2))), years_experience=rng.randint(0, 35),
        organization=rng.choice(["acme", "globex"]), department=rng.choice(["eng", "ops"]),
        manager_id=rng.choice(managers) if managers and rng.random() < 0.3 else None,
        location=rng.choice(["", "paris", "berlin"]), time_zone=rng.choice(ZONES),
        meeting_modes=frozenset(rng.sample(["in_person", "video", "phone", "chat"], rng.randint(1, 3))),
        availability=tuple(random_window(rng) for _ in range(rng.randint(0, 3))),
        languages=frozenset(rng.sample(["en", "fr", "de"], rng.randint(1, 2))),
        capacity=rng.randint(1, 3), active=rng.random() > 0.1, load=rng.randint(0, 2),
    )


@pytest.mark.parametrize("seed", range(5))
def test_vectorised_scores_and_refusals_equal_the_scalar_ones(seed):
    rng = random.Random(seed)
    mentors: list[Candidate] = []
    for _ in range(40):
        mentors.append(random_person(rng, rng.choice(["mentor", "both", "mentee"]),
                                     [m.participant_id for m in mentors]))
    mentees = [random_person(rng, "mentee", [m.participant_id for m in mentors]) for _ in range(25)]
    managers = {p.participant_id: p.manager_id for p in [*mentors, *mentees]}
    scorer = VectorScorer(mentors, mentees, managers, WEIGHTS)
    for mentee in mentees:
        request = OpenRequest(
            request_id=uuid4(), program_id=uuid4(), mentee_id=mentee.participant_id,
            format=rng.choice(["one_to_one", "reciprocal", "peer"]),
            goals=tuple((t, "outcome") for t in rng.sample(TOPICS, rng.randint(1, 3))),
            meeting_modes=frozenset(rng.sample(["in_person", "video", "phone"], rng.randint(0, 2))),
            must_have=frozenset(rng.sample(["language:fr", "organization:acme"], rng.randint(0, 1))),
            avoid=frozenset(rng.sample(["department:ops", "location:berlin"], rng.randint(0, 1))),
            declined_mentor_ids=frozenset({rng.choice(mentors).participant_id}), rules=random_rules(rng),
        )
        row = scorer.scores(request, mentee)
        for column, mentor in enumerate(mentors):
            if refusal(request, mentee, mentor, managers) is not None:
                assert row[column] == REFUSED
            else:
                assert row[column] == pytest.approx(score(request, mentee, mentor, WEIGHTS).total, abs=1e-3)
    assert np.isfinite(row).all()
