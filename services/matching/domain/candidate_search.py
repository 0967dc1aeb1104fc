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

from services.matching.domain.gather import cells, in_column
from services.matching.domain.topic_index import TopicIndex, runs
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


@dataclass
class LearningOrders:
    """The goal sets' learning orders end to end (the topic index's), and where each row's starts."""

    first: np.ndarray  # per row
    length: np.ndarray  # per row
    segment: np.ndarray  # per row: which of the batch's goal sets, numbered as they first come
    columns: np.ndarray
    learning: np.ndarray


def count_at_least(values: np.ndarray, first: np.ndarray, length: np.ndarray, least: np.ndarray) -> np.ndarray:
    """Per row, how many of values[first:first + length] (descending) are at least `least`:
    a binary search run on every row at once."""
    low, high = np.zeros(len(first), dtype=np.int64), length.astype(np.int64)
    while (open_ := low < high).any():
        middle = (low + high) // 2
        at_least = open_ & (values[np.where(open_, first + middle, 0)] >= least)
        low = np.where(at_least, middle + 1, low)
        high = np.where(open_ & ~at_least, middle, high)
    return low


def first_occurrences(codes: np.ndarray) -> np.ndarray:
    first = np.ones(codes.shape, dtype=bool)
    for slot in range(1, codes.shape[1]):
        first[:, slot] = ~(codes[:, :slot] == codes[:, slot:slot + 1]).any(axis=1)
    return first


def kth_best(rows: np.ndarray, scores: np.ndarray, count: int, *ks: int) -> list[np.ndarray]:
    """Per row, its k-th best allowed score (NONE_LEFT if it has fewer), for each k: one sort for all."""
    allowed = scores > REFUSED
    rows, scores = rows[allowed], scores[allowed]
    # One integer key, row first then best score: allowed scores are within [0, 100], where a
    # float32's bits order as its value. Sorting the keys themselves (not an argsort) is a few
    # times faster and gives each score back bit for bit. Adding 0 makes a -0.0 0.0.
    worse = 0xFFFFFFFF - (scores.astype(np.float32) + np.float32(0)).view(np.uint32).astype(np.int64)
    keys = np.sort((rows.astype(np.int64) << 32) | worse)
    ordered = (0xFFFFFFFF - (keys & 0xFFFFFFFF)).astype(np.uint32).view(np.float32)
    per_row = np.bincount(rows, minlength=count)
    firsts = np.cumsum(per_row) - per_row
    thetas = []
    for k in ks:
        theta = np.full(count, NONE_LEFT)
        enough = per_row >= k
        theta[enough] = ordered[firsts[enough] + k - 1]
        thetas.append(theta)
    return thetas


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
        orders = self._learning_orders(batch, count)
        lead = self.k * LEAD
        one_to_one = np.flatnonzero(~q.symmetric)
        lead_rows, lead_columns, _ = self._goal_offerers(batch, orders, one_to_one, np.zeros(len(one_to_one),
                                                                                             dtype=np.int64),
                                                         np.full(len(one_to_one), lead))
        lead_scores = self.scorer.pair_scores(batch, lead_rows, lead_columns)
        # The lead's k-th best rules out most of the head cheaply; what is left is scored.
        head_rows, head_columns = self._head(batch)
        head_bound = self.scorer.topic_bound(batch, head_rows, head_columns) + \
            self.scorer.ambient_bound(batch, head_rows, head_columns)
        reaching = head_bound + SLACK >= kth_best(lead_rows, lead_scores, count, self.k)[0][head_rows]
        head_left_out = np.full(count, NONE_LEFT)
        np.maximum.at(head_left_out, head_rows[~reaching], head_bound[~reaching])
        head_rows, head_columns = head_rows[reaching], head_columns[reaching]
        first_rows = np.concatenate([head_rows, lead_rows])
        first_columns = np.concatenate([head_columns, lead_columns])
        first_scores = np.concatenate([self.scorer.pair_scores(batch, head_rows, head_columns), lead_scores])
        # theta rules the tiers out; a row's 2k-th best is below what it keeps.
        theta, floor = kth_best(first_rows, first_scores, count, self.k, self.k * KEPT)
        whole = q.symmetric | (theta - SLACK <= self.ambient)
        keep = ~whole[first_rows]
        rest, taken, unscored, readers = self._bounds(batch, orders, theta, whole, lead)
        unscored = np.maximum(unscored, head_left_out)
        tiers = [self._goal_offerers(batch, orders, rest, np.full(len(rest), lead), taken)]
        for tier, hits in ((READ_ALL, 1), (READ_TWO, 2)):
            tier_rows, tier_columns, tier_points, left_out = self._by_reciprocity(batch, theta, readers == tier, hits)
            tiers.append((tier_rows, tier_columns, tier_points))
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
        return self._without_the_hopeless(found, floor)

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
            repeated |= (slot < goal_slot) & in_column(real_goals, slot, rows) & \
                (cells(m.offers, columns, in_column(goals, slot, rows)) > 0)
        for slot in range(offers.shape[1]):
            repeated |= (slot < offer_slot) & (cells(m.wants, columns, in_column(offers, slot, rows)) > 0)
        return rows[~repeated], columns[~repeated]

    def _learning_orders(self, batch: EncodedBatch, count: int) -> LearningOrders:
        q = batch.rows
        keys = [tuple(sorted(q.goal_codes[row, :int(q.goal_count[row])].tolist())) for row in range(count)]
        segment_of = {key: index for index, key in enumerate(dict.fromkeys(keys))}
        firsts, lengths = self.index.learning_orders(list(segment_of))
        segment = np.array([segment_of[key] for key in keys], dtype=np.int64)
        return LearningOrders(first=firsts[segment], length=lengths[segment], segment=segment,
                              columns=self.index.order_columns, learning=self.index.order_learning)

    def _bounds(self, batch: EncodedBatch, orders: LearningOrders, theta: np.ndarray, whole: np.ndarray,
                lead: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """For the rows not scored whole: how far down its learning order each could reach
        theta, the bound on what stays unscored, and which reciprocity tier must be read:
        every mentor wanting an offer, only those wanting two or more, or none."""
        q = batch.rows
        rows = np.flatnonzero(~whole)
        unscored = np.full(len(theta), self.ambient)
        taken = np.full(len(rows), lead)
        if self.learning > 0:
            # learning >= (theta - AMBIENT) / P_learning, clipped to [-0.5, 1.5]. Rounded as when the
            # batch's orders were searched end to end, each at segment * 4 (s * 4 - needed, less s * 4,
            # exact), so the same mentors are read.
            needed = np.clip((theta[rows] - self.ambient - SLACK) / self.learning, -0.5, 1.5)
            at = orders.segment[rows] * 4.0
            taken = np.maximum(lead, count_at_least(orders.learning, orders.first[rows], orders.length[rows],
                                                    at - (at - needed)))
        beyond = taken < orders.length[rows]
        unscored[rows[beyond]] = np.maximum(unscored[rows[beyond]], self.learning * orders.learning[
            orders.first[rows[beyond]] + taken[beyond]].astype(np.float64) + self.ambient)
        codes = q.offer_codes[rows]
        levels = np.where(codes != self.nobody, q.offer_levels[rows], 0.0)
        # A mentor wanting one of the offers gains it over all they want; two or more, up to the best level.
        one = self.reciprocity * (levels / self.index.fewest_wants[codes]).max(axis=1, initial=0.0) + self.ambient
        several = self.reciprocity * levels.max(axis=1, initial=0.0) + self.ambient
        readers = np.zeros(len(theta), dtype=np.int8)
        if self.reciprocity > 0:
            read_all = one + SLACK >= theta[rows]
            read_two = ~read_all & (several + SLACK >= theta[rows])
            readers[rows[read_all]], readers[rows[read_two]] = READ_ALL, READ_TWO
        left_out = np.where(readers[rows] == READ_ALL, NONE_LEFT, np.where(readers[rows] == READ_TWO, one, several))
        unscored[rows] = np.maximum(unscored[rows], left_out)
        return rows, taken, unscored, readers

    def _goal_offerers(self, batch: EncodedBatch, orders: LearningOrders, rows: np.ndarray, start: np.ndarray,
                       end: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Positions start to end of each row's learning order, less the mentors in its head,
        with the points their learning brings."""
        start, end = np.minimum(start, orders.length[rows]), np.minimum(end, orders.length[rows])
        lengths = np.maximum(end - start, 0)
        positions = runs(orders.first[rows] + start, lengths)
        r, c = np.repeat(rows, lengths), orders.columns[positions].astype(np.int64)
        points = self.learning * orders.learning[positions].astype(np.float64)
        # A goal offerer who also wants an offer is in the head.
        in_head = np.zeros(len(r), dtype=bool)
        for slot in range(batch.rows.offer_codes.shape[1]):
            in_head |= cells(self.scorer.mentors.wants, c, in_column(batch.rows.offer_codes, slot, r)) > 0
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
            worth &= cells(m.offers, columns, in_column(q.goal_codes, slot, rows)) == 0
        reciprocity = np.zeros(len(rows))
        for slot in range(offers.shape[1]):
            wants = cells(m.wants, columns, in_column(offers, slot, rows)) > 0
            # Counted once: at the first offer it wants (and, for two, the second).
            worth &= ~((slot < last) & (slot != first) & wants)
            reciprocity += in_column(q.offer_levels, slot, rows) * wants
        reciprocity /= np.maximum(m.wants_count[columns], 1)
        best = self.reciprocity * reciprocity + self.ambient
        reaching = best + SLACK >= theta[rows]
        left_out = np.full(len(theta), NONE_LEFT)
        np.maximum.at(left_out, rows[worth & ~reaching], best[worth & ~reaching])
        kept = worth & reaching
        return rows[kept], columns[kept], self.reciprocity * reciprocity[kept], left_out
