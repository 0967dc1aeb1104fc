"""Choosing a mentor for one request: the best allowed, or every reason none is."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from uuid import UUID

from services.matching.domain.explanation import explain
from services.matching.domain.hard_rules import refusal
from services.matching.domain.pool import Candidate, OpenRequest
from services.matching.domain.scoring import Score, score

ALGORITHM = "on-demand-best-score/v1"


@dataclass(frozen=True)
class Choice:
    mentor: Candidate
    score: Score
    explanation: str


def rank(request: OpenRequest, mentee: Candidate, mentors: Iterable[Candidate],
         managers: Mapping[UUID, UUID | None], weights: dict[str, float]) -> list[Choice]:
    """Allowed mentors, best first; ties broken by id so the result is reproducible."""
    choices = [
        Choice(mentor, result, explain(request, mentee, mentor, result))
        for mentor in mentors
        if refusal(request, mentee, mentor, managers) is None
        for result in [score(request, mentee, mentor, weights)]
    ]
    return sorted(choices, key=lambda choice: (-choice.score.total, str(choice.mentor.participant_id)))


def check_pair(request: OpenRequest, mentee: Candidate, mentor: Candidate,
               managers: Mapping[UUID, UUID | None], weights: dict[str, float]) -> Choice | str:
    """A direct ask or an operator's pair: the hard rules still apply."""
    reason = refusal(request, mentee, mentor, managers)
    if reason:
        return reason
    result = score(request, mentee, mentor, weights)
    return Choice(mentor, result, explain(request, mentee, mentor, result))
