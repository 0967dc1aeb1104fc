"""Choosing a mentor for one request: the best allowed, or every reason none is.

`rank` orders every mentor with the vectorised scorer (all of them in a few array
passes) and computes the scalar Score, the hard rules' last word (reporting lines) and
the explanation only for the few it returns, plus any whose vectorised score is too
close to call: the two scorers agree within float rounding, far inside MARGIN. Mentors
with one profile (enrolled from a template) tie on the vectorised score; their scalar
score is computed once, and one that cannot enter the best few is not put to the rules.
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
from services.matching.domain.mentor_columns import takes_mentees
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
    """A program's mentors as scorer columns, kept while their profiles do not change: the
    matchmaker ranks every waiting request of a pass against the same mentors, and building
    the columns costs more than scoring them (6 ms against 0.5 ms for 370 mentors). A
    mentor's load changes with every proposal of a pass, so it is not part of what is kept:
    only the one column it decides (who has room) is made again, on a copy."""

    def __init__(self) -> None:
        self.built: OrderedDict[tuple, tuple[VectorScorer, np.ndarray, list[tuple]]] = OrderedDict()
        self.lock = threading.Lock()  # the matchmaker proposes from several worker threads at once

    def of(self, mentors: list[Candidate],
           weights: dict[str, float]) -> tuple[VectorScorer, np.ndarray, list[tuple]]:
        """The scorer, each column's rank by id (ties), and each column's profile_key."""
        key = (tuple((m.participant_id, m.profile_version, m.roles, m.active) for m in mentors),
               tuple(sorted(weights.items())))
        with self.lock:
            if key not in self.built:
                scorer = VectorScorer(mentors, [], {}, weights, reporting_lines=False)
                by_id = np.argsort(np.argsort(np.array([m.participant_id.int for m in mentors], dtype=object)))
                self.built[key] = scorer, by_id.astype(np.int64), [profile_key(m) for m in mentors]
                while len(self.built) > CACHED_POOLS:
                    self.built.popitem(last=False)
            self.built.move_to_end(key)
            scorer, by_id, profiles = self.built[key]
        return scorer.with_room(takes_mentees(mentors)), by_id, profiles


ARRAYS = MentorArrays()


def rank(request: OpenRequest, mentee: Candidate, mentors: Iterable[Candidate],
         managers: Mapping[UUID, UUID | None], weights: dict[str, float], limit: int = BEST_FEW) -> list[Choice]:
    """The `limit` best allowed mentors, best first; ties broken by id so the result is reproducible."""
    mentors = list(mentors)
    if not mentors:
        return []
    scorer, by_id, profiles = ARRAYS.of(mentors, weights)
    values = scorer.pair_scores(scorer.encode([(request, mentee)]), np.zeros(len(mentors), dtype=np.int64),
                                np.arange(len(mentors)))
    allowed = np.flatnonzero(values > REFUSED)
    scores = TwinScores(request, mentee, weights)
    best: list[tuple[tuple[float, str], Candidate, Score]] = []  # the `limit` best allowed so far, best first
    cutoff, found = -np.inf, 0
    for column in allowed[np.lexsort((by_id[allowed], -values[allowed]))].tolist():
        if values[column] < cutoff:
            break
        mentor = mentors[column]
        result = scores.of(mentor, profiles[column])
        order = (-result.total, str(mentor.participant_id))
        if len(best) == limit and order >= best[-1][0]:
            continue  # cannot enter the best few: no need to ask the hard rules
        if refusal(request, mentee, mentor, managers) is None:
            best.append((order, mentor, result))
            best.sort(key=lambda entry: entry[0])
            del best[limit:]
            found += 1
            if found == limit:
                cutoff = float(values[column]) - MARGIN
    return [Choice(mentor, result, explain(request, mentee, mentor, result)) for _, mentor, result in best]


class TwinScores:
    """One request's scalar scores, computed once per distinct mentor profile: mentors
    enrolled from one template score alike, and a program of many such twins would
    otherwise score each of them in Python while their vectorised scores tie."""

    def __init__(self, request: OpenRequest, mentee: Candidate, weights: dict[str, float]) -> None:
        self.request, self.mentee, self.weights = request, mentee, weights
        # A must-have can name one participant: then the id is part of what scores.
        self.by_id = any(wanted.startswith("participant:") for wanted in request.must_have)
        self.known: dict[tuple, Score] = {}

    def of(self, mentor: Candidate, profile: tuple) -> Score:
        """`profile`: the mentor's profile_key, made once with the kept columns."""
        key = (mentor.participant_id if self.by_id else None, profile)
        if key not in self.known:
            self.known[key] = score(self.request, self.mentee, mentor, self.weights)
        return self.known[key]


def profile_key(mentor: Candidate) -> tuple:
    """What a mentor's scalar score depends on besides the request (not the id, not the load)."""
    return (tuple(sorted(mentor.offers.items())), mentor.wants, mentor.years_experience, mentor.organization,
            mentor.department, mentor.location, mentor.time_zone, mentor.meeting_modes, mentor.availability,
            mentor.languages)


def check_pair(request: OpenRequest, mentee: Candidate, mentor: Candidate,
               managers: Mapping[UUID, UUID | None], weights: dict[str, float]) -> Choice | str:
    """A direct ask or an operator's pair: the hard rules still apply."""
    reason = refusal(request, mentee, mentor, managers)
    if reason:
        return reason
    result = score(request, mentee, mentor, weights)
    return Choice(mentor, result, explain(request, mentee, mentor, result))
