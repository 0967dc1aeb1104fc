"""Choosing a mentor for one request: the best allowed, or every reason none is.

`rank` orders every mentor with the vectorised scorer (all of them in a few array
passes) and computes the scalar Score, the hard rules' last word (reporting lines) and
the explanation only for the few it returns, plus any whose vectorised score is too
close to call: the two scorers agree within float rounding, far inside MARGIN.
"""

import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from uuid import UUID

import numpy as np

from services.matching.domain.explanation import explain
from services.matching.domain.hard_rules import refusal
from services.matching.domain.pool import Candidate, OpenRequest
from services.matching.domain.scoring import Score, score
from services.matching.domain.vectorised import REFUSED, VectorScorer

ALGORITHM = "on-demand-best-score/v1"
BEST_FEW = 5
MARGIN = 0.01  # points: far more than float32 rounding can move a score
CACHED_POOLS = 8


@dataclass(frozen=True)
class Choice:
    mentor: Candidate
    score: Score
    explanation: str


class MentorArrays:
    """A program's mentors as scorer columns, kept while they do not change: the matchmaker
    ranks every waiting request of a pass against the same mentors, and building the
    columns costs more than scoring them."""

    def __init__(self) -> None:
        self.built: OrderedDict[tuple, tuple[VectorScorer, np.ndarray]] = OrderedDict()
        self.lock = threading.Lock()  # the matchmaker proposes from several worker threads at once

    def of(self, mentors: list[Candidate], weights: dict[str, float]) -> tuple[VectorScorer, np.ndarray]:
        key = (tuple((m.participant_id, m.profile_version, m.active, m.load, m.capacity) for m in mentors),
               tuple(sorted(weights.items())))
        with self.lock:
            if key not in self.built:
                scorer = VectorScorer(mentors, [], {}, weights, reporting_lines=False)
                by_id = np.argsort(np.argsort(np.array([m.participant_id.int for m in mentors], dtype=object)))
                self.built[key] = scorer, by_id.astype(np.int64)
                while len(self.built) > CACHED_POOLS:
                    self.built.popitem(last=False)
            self.built.move_to_end(key)
            return self.built[key]


ARRAYS = MentorArrays()


def rank(request: OpenRequest, mentee: Candidate, mentors: Iterable[Candidate],
         managers: Mapping[UUID, UUID | None], weights: dict[str, float], limit: int = BEST_FEW) -> list[Choice]:
    """The `limit` best allowed mentors, best first; ties broken by id so the result is reproducible."""
    mentors = list(mentors)
    if not mentors:
        return []
    scorer, by_id = ARRAYS.of(mentors, weights)
    values = scorer.pair_scores(scorer.encode([(request, mentee)]), np.zeros(len(mentors), dtype=np.int64),
                                np.arange(len(mentors)))
    allowed = np.flatnonzero(values > REFUSED)
    checked: list[tuple[Candidate, Score]] = []
    cutoff = -np.inf
    for column in allowed[np.lexsort((by_id[allowed], -values[allowed]))].tolist():
        if values[column] < cutoff:
            break
        mentor = mentors[column]
        if refusal(request, mentee, mentor, managers) is None:
            checked.append((mentor, score(request, mentee, mentor, weights)))
            if len(checked) == limit:
                cutoff = float(values[column]) - MARGIN
    checked.sort(key=lambda pair: (-pair[1].total, str(pair[0].participant_id)))
    return [Choice(mentor, result, explain(request, mentee, mentor, result)) for mentor, result in checked[:limit]]


def check_pair(request: OpenRequest, mentee: Candidate, mentor: Candidate,
               managers: Mapping[UUID, UUID | None], weights: dict[str, float]) -> Choice | str:
    """A direct ask or an operator's pair: the hard rules still apply."""
    reason = refusal(request, mentee, mentor, managers)
    if reason:
        return reason
    result = score(request, mentee, mentor, weights)
    return Choice(mentor, result, explain(request, mentee, mentor, result))
