"""For a batch of requests, the mentors worth scoring, found from the topic index.

Every factor is at most 1 and a must-have penalty only lowers a score, so a mentor
scores at most P_learning * learning + P_reciprocity * reciprocity + AMBIENT, where
AMBIENT is the points of every other factor. Per request:
1. the head, mentors offering one of its goals AND wanting something the mentee offers
   (both topic factors may count), is scored; its k-th best, theta, is a floor the true
   k-th best can only beat;
2. then only what could reach theta: mentors offering a goal (not in the head, so no
   reciprocity) while P_learning * learning + AMBIENT >= theta, read off the goal set's
   learning order; mentors wanting what the mentee offers (no learning) while
   P_reciprocity * reciprocity + AMBIENT >= theta; mentors with neither, only if
   AMBIENT >= theta, and then the whole row is scored.
Reciprocal and peer requests, whose topic factors mix both directions, and requests
with fewer than k allowed mentors in their head are scored against the whole row.
`unscored` keeps, per request, the most any mentor left out could score.
"""

from dataclasses import dataclass

import numpy as np

from services.matching.domain.topic_index import TopicIndex
from services.matching.domain.vectorised import REFUSED, EncodedBatch, VectorScorer

# Bounds are sums in float64; scores are float32 sums rounded to four decimals.
SLACK = 1e-3
NONE_LEFT = -np.inf


@dataclass
class Found:
    rows: np.ndarray  # batch row of each scored pair
    columns: np.ndarray
    scores: np.ndarray
    unscored: np.ndarray  # per batch row: the best score a mentor not listed could have


def first_occurrences(codes: np.ndarray) -> np.ndarray:
    first = np.ones(codes.shape, dtype=bool)
    for slot in range(1, codes.shape[1]):
        first[:, slot] = ~(codes[:, :slot] == codes[:, slot:slot + 1]).any(axis=1)
    return first


def kth_best(rows: np.ndarray, scores: np.ndarray, count: int, k: int) -> np.ndarray:
    allowed = scores > REFUSED
    rows, scores = rows[allowed], scores[allowed]
    ordered = scores[np.lexsort((-scores, rows))]
    per_row = np.bincount(rows, minlength=count)
    theta = np.full(count, NONE_LEFT)
    enough = per_row >= k
    theta[enough] = ordered[(np.cumsum(per_row) - per_row)[enough] + k - 1]
    return theta


class CandidateSearch:
    def __init__(self, scorer: VectorScorer, k: int) -> None:
        self.scorer, self.k = scorer, k
        self.index = TopicIndex(scorer.mentors, scorer.width)
        self.nobody = scorer.width - 1
        points = scorer.points
        self.learning, self.reciprocity = points["learning"], points["reciprocity"]
        self.ambient = points["logistics"] + points["language"] + points["career_gap"] + points["outside_circle"]

    def find(self, batch: EncodedBatch, count: int) -> Found:
        head_rows, head_columns = self._head(batch)
        head_scores = self.scorer.pair_scores(batch, head_rows, head_columns)
        theta = kth_best(head_rows, head_scores, count, self.k)
        q = batch.rows
        whole = q.symmetric | (theta - SLACK <= self.ambient)
        keep = ~whole[head_rows]
        rows, columns, unscored, readers = self._by_learning(batch, theta, whole)
        more_rows, more_columns = self._by_reciprocity(batch, theta, readers)
        whole_rows = np.flatnonzero(whole)
        every = len(self.scorer.mentors.ids)
        rows = np.concatenate([rows, more_rows, np.repeat(whole_rows, every)])
        columns = np.concatenate([columns, more_columns, np.tile(np.arange(every), len(whole_rows))])
        unscored[whole] = NONE_LEFT
        return Found(np.concatenate([head_rows[keep], rows]), np.concatenate([head_columns[keep], columns]),
                     np.concatenate([head_scores[keep], self.scorer.pair_scores(batch, rows, columns)]), unscored)

    def _head(self, batch: EncodedBatch) -> tuple[np.ndarray, np.ndarray]:
        """Mentors offering a goal and wanting an offer, each once (at its first goal and offer)."""
        q, m, width = batch.rows, self.scorer.mentors, self.scorer.width
        goals, offers = q.goal_codes, q.offer_codes
        real_goals = (goals != self.nobody) & first_occurrences(goals)
        wanted = real_goals[:, :, None] & (offers != self.nobody)[:, None, :] & ~q.symmetric[:, None, None]
        which, goal_slot, offer_slot = np.nonzero(wanted)
        keys = goals[which, goal_slot] * width + offers[which, offer_slot]
        entry, columns = self.index.offering_and_wanting.gather(keys)
        rows, goal_slot, offer_slot = which[entry], goal_slot[entry], offer_slot[entry]
        repeated = np.zeros(len(rows), dtype=bool)
        for slot in range(goals.shape[1]):
            repeated |= (slot < goal_slot) & real_goals[rows, slot] & (m.offers[columns, goals[rows, slot]] > 0)
        for slot in range(offers.shape[1]):
            repeated |= (slot < offer_slot) & (m.wants[columns, offers[rows, slot]] > 0)
        return rows[~repeated], columns[~repeated]

    def _by_learning(self, batch: EncodedBatch, theta: np.ndarray,
                     whole: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Goal offerers that could reach theta; also the bound on the rest, and which rows
        need the reciprocity tier read."""
        q = batch.rows
        unscored = np.full(len(theta), self.ambient)
        readers = np.zeros(len(theta), dtype=bool)
        rows, columns = [], []
        for row in np.flatnonzero(~whole).tolist():
            order, learning = self.index.learning_order(tuple(sorted(q.goal_codes[row, :int(q.goal_count[row])])))
            if self.learning > 0:
                taken = int(np.searchsorted(-learning, -(theta[row] - self.ambient - SLACK) / self.learning,
                                            side="right"))
                rows.append(np.full(taken, row))
                columns.append(order[:taken])
                if taken < len(order):
                    unscored[row] = max(unscored[row], self.learning * float(learning[taken]) + self.ambient)
            best_offer = self.reciprocity * float(q.offer_levels[row].max(initial=0.0)) + self.ambient
            readers[row] = self.reciprocity > 0 and best_offer + SLACK >= theta[row]
            unscored[row] = max(unscored[row], theta[row] if readers[row] else best_offer)
        r = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        c = np.concatenate(columns).astype(np.int64) if columns else np.zeros(0, dtype=np.int64)
        # A goal offerer who also wants an offer is in the head, scored already.
        in_head = np.zeros(len(r), dtype=bool)
        for slot in range(q.offer_codes.shape[1]):
            in_head |= self.scorer.mentors.wants[c, q.offer_codes[r, slot]] > 0
        return r[~in_head], c[~in_head], unscored, readers

    def _by_reciprocity(self, batch: EncodedBatch, theta: np.ndarray,
                        readers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mentors wanting an offer and offering no goal, whose reciprocity could reach theta."""
        q, m = batch.rows, self.scorer.mentors
        which, slot_of = np.nonzero(readers[:, None] & (q.offer_codes != self.nobody))
        entry, columns = self.index.wanting.gather(q.offer_codes[which, slot_of])
        rows, hit_slot = which[entry], slot_of[entry]
        worth = np.ones(len(rows), dtype=bool)
        for slot in range(q.goal_codes.shape[1]):
            worth &= m.offers[columns, q.goal_codes[rows, slot]] == 0
        reciprocity = np.zeros(len(rows))
        for slot in range(q.offer_codes.shape[1]):
            wants = m.wants[columns, q.offer_codes[rows, slot]] > 0
            worth &= ~((slot < hit_slot) & wants)  # counted once, at the first offer it wants
            reciprocity += q.offer_levels[rows, slot] * wants
        reciprocity /= np.maximum(m.wants_count[columns], 1)
        worth &= self.reciprocity * reciprocity + self.ambient + SLACK >= theta[rows]
        return rows[worth], columns[worth]
