"""For a batch of requests, the mentors worth scoring, found from the topic index.

Every factor is at most 1 and a must-have penalty only lowers a score, so a mentor
scores at most P_learning * learning + P_reciprocity * reciprocity + AMBIENT, where
AMBIENT is the points of every other factor. Per request:
1. the lead, the 2k mentors offering most of its goals, is scored; its k-th best is a
   floor the true k-th best can only beat;
2. the head, mentors offering a goal AND wanting something the mentee offers (both
   topic factors count), is bounded cheaply (every factor exact but availability, the
   costly one, at its best) and scored where the bound reaches that floor; the k-th
   best of lead and head, theta, is the floor from then on;
3. then only what could reach theta: further goal offerers (not in the head, so no
   reciprocity) while P_learning * learning + AMBIENT >= theta, read off the goal set's
   learning order; mentors wanting what the mentee offers (no learning) while their
   reciprocity could; both bounded cheaply again before being scored. Mentors with
   neither factor only if AMBIENT >= theta, and then the whole row is scored.
Reciprocal and peer requests, whose topic factors mix both directions, and requests
with fewer than k allowed mentors in lead and head are scored against the whole row.
`unscored` keeps, per request, the most any mentor left out could score.
"""

from dataclasses import dataclass

import numpy as np

from services.matching.domain.topic_index import TopicIndex
from services.matching.domain.vectorised import REFUSED, EncodedBatch, VectorScorer

# Bounds are sums in float64; scores are float32 sums rounded to four decimals.
SLACK = 1e-3
NONE_LEFT = -np.inf
LEAD = 2  # goal offerers scored with the head, most learning first, as a multiple of k
KEPT = 2  # best pairs a request keeps (edges and reserve), as a multiple of k
READ_ALL, READ_TWO = 1, 2  # which reciprocity tier a request reads


@dataclass
class Found:
    rows: np.ndarray  # batch row of each scored pair
    columns: np.ndarray
    scores: np.ndarray
    unscored: np.ndarray  # per batch row: the best score a mentor not listed could have
    scored: int = 0  # pairs scored to find these


def first_occurrences(codes: np.ndarray) -> np.ndarray:
    first = np.ones(codes.shape, dtype=bool)
    for slot in range(1, codes.shape[1]):
        first[:, slot] = ~(codes[:, :slot] == codes[:, slot:slot + 1]).any(axis=1)
    return first


def kth_best(rows: np.ndarray, scores: np.ndarray, count: int, k: int) -> np.ndarray:
    allowed = scores > REFUSED
    rows, scores = rows[allowed], scores[allowed]
    # One float key, row first then best score (scores are within [0, 100]): one sort, not a lexsort.
    ordered = scores[np.argsort(rows * 1000.0 - scores)]
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
        q = batch.rows
        orders = [self.index.learning_order(tuple(sorted(q.goal_codes[row, :int(q.goal_count[row])])))
                  for row in range(count)]
        lead = self.k * LEAD
        lead_rows, lead_columns, _ = self._goal_offerers(batch, orders, {row: (0, lead) for row in range(count)
                                                                         if not q.symmetric[row]})
        lead_scores = self.scorer.pair_scores(batch, lead_rows, lead_columns)
        # The lead's k-th best rules out most of the head cheaply; what is left is scored.
        head_rows, head_columns = self._head(batch)
        head_bound = self.scorer.topic_bound(batch, head_rows, head_columns) + \
            self.scorer.ambient_bound(batch, head_rows, head_columns)
        reaching = head_bound + SLACK >= kth_best(lead_rows, lead_scores, count, self.k)[head_rows]
        head_left_out = np.full(count, NONE_LEFT)
        np.maximum.at(head_left_out, head_rows[~reaching], head_bound[~reaching])
        head_rows, head_columns = head_rows[reaching], head_columns[reaching]
        first_rows = np.concatenate([head_rows, lead_rows])
        first_columns = np.concatenate([head_columns, lead_columns])
        first_scores = np.concatenate([self.scorer.pair_scores(batch, head_rows, head_columns), lead_scores])
        theta = kth_best(first_rows, first_scores, count, self.k)
        whole = q.symmetric | (theta - SLACK <= self.ambient)
        keep = ~whole[first_rows]
        spans, unscored, readers = self._bounds(batch, orders, theta, whole, lead)
        unscored = np.maximum(unscored, head_left_out)
        tiers = [self._goal_offerers(batch, orders, spans)]
        for tier, hits in ((READ_ALL, 1), (READ_TWO, 2)):
            *found_tier, left_out = self._by_reciprocity(batch, theta, readers == tier, hits)
            tiers.append(found_tier)
            unscored = np.maximum(unscored, left_out)
        rows, columns, points = (np.concatenate(part) for part in zip(*tiers, strict=True))
        # The other factors, each at its best save availability exact, rule out most of the tiers cheaply.
        bound = points + self.scorer.ambient_bound(batch, rows, columns)
        reaching = bound + SLACK >= theta[rows]
        np.maximum.at(unscored, rows[~reaching], bound[~reaching])
        rows, columns = rows[reaching], columns[reaching]
        whole_rows = np.flatnonzero(whole)
        every = len(self.scorer.mentors.ids)
        rows = np.concatenate([rows, np.repeat(whole_rows, every)])
        columns = np.concatenate([columns, np.tile(np.arange(every), len(whole_rows))])
        unscored[whole] = NONE_LEFT
        found = Found(np.concatenate([first_rows[keep], rows]), np.concatenate([first_columns[keep], columns]),
                      np.concatenate([first_scores[keep], self.scorer.pair_scores(batch, rows, columns)]), unscored)
        found.scored = len(first_rows) + len(rows)
        return self._without_the_hopeless(found, kth_best(first_rows, first_scores, count, self.k * KEPT))

    def _without_the_hopeless(self, found: Found, floor: np.ndarray) -> Found:
        """Drops pairs below a row's floor (what it keeps beats them); the bound covers them."""
        hopeless = found.scores < floor[found.rows]
        dropped = np.bincount(found.rows[hopeless], minlength=len(floor)) > 0
        found.unscored[dropped] = np.maximum(found.unscored[dropped], floor[dropped])
        keep = ~hopeless
        return Found(found.rows[keep], found.columns[keep], found.scores[keep], found.unscored, found.scored)

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

    def _bounds(self, batch: EncodedBatch, orders: list[tuple[np.ndarray, np.ndarray]], theta: np.ndarray,
                whole: np.ndarray, lead: int) -> tuple[dict[int, tuple[int, int]], np.ndarray, np.ndarray]:
        """Per row: the span of its learning order beyond the lead that could reach theta, the
        bound on what stays unscored, and which reciprocity tier must be read: every mentor
        wanting an offer, only those wanting two or more, or none."""
        q = batch.rows
        spans: dict[int, tuple[int, int]] = {}
        unscored = np.full(len(theta), self.ambient)
        readers = np.zeros(len(theta), dtype=np.int8)
        for row in np.flatnonzero(~whole).tolist():
            _, learning = orders[row]
            taken = len(learning)
            if self.learning > 0:
                taken = max(lead, int(np.searchsorted(-learning, -(theta[row] - self.ambient - SLACK) / self.learning,
                                                      side="right")))
                spans[row] = (lead, taken)
            if taken < len(learning):
                unscored[row] = max(unscored[row], self.learning * float(learning[taken]) + self.ambient)
            codes = q.offer_codes[row]
            levels = q.offer_levels[row][codes != self.nobody]
            # A mentor wanting one of the offers gains it over all they want; two or more, up to the best level.
            one = self.reciprocity * float((levels / self.index.fewest_wants[codes[codes != self.nobody]])
                                           .max(initial=0.0)) + self.ambient
            several = self.reciprocity * float(levels.max(initial=0.0)) + self.ambient
            if self.reciprocity > 0 and one + SLACK >= theta[row]:
                readers[row] = READ_ALL
            elif self.reciprocity > 0 and several + SLACK >= theta[row]:
                readers[row], unscored[row] = READ_TWO, max(unscored[row], one)
            else:
                unscored[row] = max(unscored[row], several)
        return spans, unscored, readers

    def _goal_offerers(self, batch: EncodedBatch, orders: list[tuple[np.ndarray, np.ndarray]],
                       spans: dict[int, tuple[int, int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The given spans of each row's learning order, less the mentors in its head, with
        the points their learning brings."""
        rows = [np.full(len(orders[row][0][lo:hi]), row) for row, (lo, hi) in spans.items()]
        columns = [orders[row][0][lo:hi] for row, (lo, hi) in spans.items()]
        learning = [orders[row][1][lo:hi] for row, (lo, hi) in spans.items()]
        r = np.concatenate(rows).astype(np.int64) if rows else np.zeros(0, dtype=np.int64)
        c = np.concatenate(columns).astype(np.int64) if columns else np.zeros(0, dtype=np.int64)
        points = self.learning * np.concatenate(learning).astype(np.float64) if learning else np.zeros(0)
        # A goal offerer who also wants an offer is in the head.
        in_head = np.zeros(len(r), dtype=bool)
        for slot in range(batch.rows.offer_codes.shape[1]):
            in_head |= self.scorer.mentors.wants[c, batch.rows.offer_codes[r, slot]] > 0
        return r[~in_head], c[~in_head], points[~in_head]

    def _by_reciprocity(self, batch: EncodedBatch, theta: np.ndarray, readers: np.ndarray,
                        hits: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Mentors wanting `hits` (1 or 2) of the mentee's offers and offering no goal, whose
        reciprocity could reach theta, with the points it brings; and per row the best
        that could score of those left out."""
        q, m, width = batch.rows, self.scorer.mentors, self.scorer.width
        offers = q.offer_codes
        slots = [(a,) for a in range(offers.shape[1])] if hits == 1 else \
            [(a, b) for b in range(offers.shape[1]) for a in range(b)]
        nothing = np.zeros(0, dtype=np.int64)
        rows_of, keys_of, last_of, first_of = [nothing], [nothing], [nothing], [nothing]
        for pair in slots:
            which = np.flatnonzero(readers & np.logical_and.reduce([offers[:, s] != self.nobody for s in pair]))
            codes = np.sort(np.stack([offers[which, s] for s in pair]), axis=0)
            rows_of.append(which)
            keys_of.append(codes[0] * width + codes[1] if hits == 2 else codes[0])
            first_of.append(np.full(len(which), pair[0]))
            last_of.append(np.full(len(which), pair[-1]))
        postings = self.index.wanting if hits == 1 else self.index.wanting_two
        entry, columns = postings.gather(np.concatenate(keys_of))
        rows, first, last = (np.concatenate(x)[entry] for x in (rows_of, first_of, last_of))
        worth = np.ones(len(rows), dtype=bool)
        for slot in range(q.goal_codes.shape[1]):
            worth &= m.offers[columns, q.goal_codes[rows, slot]] == 0
        reciprocity = np.zeros(len(rows))
        for slot in range(offers.shape[1]):
            wants = m.wants[columns, offers[rows, slot]] > 0
            # Counted once: at the first offer it wants (and, for two, the second).
            worth &= ~((slot < last) & (slot != first) & wants)
            reciprocity += q.offer_levels[rows, slot] * wants
        reciprocity /= np.maximum(m.wants_count[columns], 1)
        best = self.reciprocity * reciprocity + self.ambient
        reaching = best + SLACK >= theta[rows]
        left_out = np.full(len(theta), NONE_LEFT)
        np.maximum.at(left_out, rows[worth & ~reaching], best[worth & ~reaching])
        kept = worth & reaching
        return rows[kept], columns[kept], self.reciprocity * reciprocity[kept], left_out
