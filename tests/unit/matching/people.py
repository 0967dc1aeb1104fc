"""Candidates and requests for matching's unit tests."""

from dataclasses import replace
from uuid import uuid4

from services.matching.domain.pool import Candidate, OpenRequest, Window

WEIGHTS = {"learning": 40, "reciprocity": 20, "logistics": 20, "language": 10, "career_gap": 5, "outside_circle": 5}


def candidate(roles: str = "mentor", **changes) -> Candidate:  # noqa: ANN003
    base = Candidate(
        participant_id=uuid4(), program_id=uuid4(), profile_version=1, roles=roles,
        offers={"public speaking": "expert"}, wants=frozenset({"data analysis"}), years_experience=15,
        organization="globex", department="sales", manager_id=None, location="paris", time_zone="Europe/Paris",
        meeting_modes=frozenset({"video"}), availability=(Window(1, 17 * 60, 19 * 60),),
        languages=frozenset({"en"}), capacity=2,
    )
    return replace(base, **changes)


def mentee(roles: str = "mentee", **changes) -> Candidate:  # noqa: ANN003
    defaults = dict(offers={"data analysis": "expert"}, wants=frozenset({"public speaking"}), years_experience=4,
                    organization="acme", department="eng", capacity=1)
    return candidate(roles, **{**defaults, **changes})


def open_request(of: Candidate, **changes) -> OpenRequest:  # noqa: ANN003
    base = OpenRequest(request_id=uuid4(), program_id=of.program_id, mentee_id=of.participant_id,
                       format="one_to_one", goals=(("public speaking", "give a keynote"),),
                       meeting_modes=frozenset({"video"}))
    return replace(base, **changes)
