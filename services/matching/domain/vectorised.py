"""Scores many (request, mentor) pairs at once, as arrays.

The same factors and weights as scoring.score(), computed with numpy over any list of
pairs: a whole row (every mentor for a request) or only the candidates an index
found. Both go through the same arithmetic, so a pair scores the same bits whichever
way it was reached; tests hold the result equal to the scalar scorer's.
"""

import copy
from collections.abc import Mapping
from dataclasses import dataclass, replace
from uuid import UUID

import numpy as np

from services.matching.domain.gather import cells, in_column
from services.matching.domain.mentor_columns import MODES, Vocabulary, mentor_columns
from services.matching.domain.pool import Candidate, OpenRequest
from services.matching.domain.reporting_line import line_above, managers_of
from services.matching.domain.request_rows import RequestRows, request_rows
from services.matching.domain.scoring import FACTORS, MUST_HAVE_PENALTY, UNKNOWN_AVAILABILITY

REFUSED = -1.0
CHUNK = 1 << 16  # pairs scored per numpy pass: bounds the temporaries to a few tens of MB
IN_PERSON = 1 << MODES.index("in_person")


@dataclass
class EncodedBatch:
    rows: RequestRows
    must: np.ndarray  # per request, a row of must_met (0: nothing required)
    avoid: np.ndarray  # per request, a row of avoided (0: nothing avoided)
    must_met: np.ndarray  # masks x mentors
    avoided: np.ndarray  # masks x mentors
    blocked: np.ndarray  # sorted request_row * mentors + column keys of pairs a hard rule refuses


class VectorScorer:
    def __init__(self, mentors: list[Candidate], mentees: list[Candidate],
                 managers: Mapping[UUID, UUID | None], weights: dict[str, float],
                 reporting_lines: bool = True) -> None:
        """`reporting_lines=False` leaves that rule to the caller (rank checks it on the few it returns)."""
        self.topics, self.words, self.languages = Vocabulary(), Vocabulary(), Vocabulary()
        for person in [*mentors, *mentees]:
            for topic in [*person.offers, *person.wants]:
                self.topics.code(topic)
            for language in person.languages:
                self.languages.code(language)
        self.width, self.language_width = len(self.topics.codes) + 1, len(self.languages.codes)
        self.mentors = mentor_columns(mentors, self.topics, self.words, self.languages, self.width,
                                      self.language_width)
        self.column_of = {ident: column for column, ident in enumerate(self.mentors.ids)}
        # Everyone above each mentor, to the top of the declared line: the mentee may be none of them.
        self.managers, self.declared = managers, managers_of([*mentors, *mentees]) if reporting_lines else {}
        self.bossed_by: dict[UUID, list[int]] = {}
        for column, ident in enumerate(self.mentors.ids if reporting_lines else []):
            for boss in line_above(ident, managers, self.declared):
                self.bossed_by.setdefault(boss, []).append(column)
        self.attribute_masks: dict[str, np.ndarray] = {}
        weight_sum = sum(max(0.0, weights.get(name, 0.0)) for name in FACTORS) or 1.0
        self.points = {name: 100 * max(0.0, weights.get(name, 0.0)) / weight_sum for name in FACTORS}

    def with_room(self, takes_mentees: np.ndarray) -> "VectorScorer":
        """This scorer with who has room as given (the same mentors): itself when nothing
        changed, else a shallow copy, so threads sharing the cached one never see it change."""
        if np.array_equal(takes_mentees, self.mentors.takes_mentees):
            return self
        changed = copy.copy(self)
        changed.mentors = replace(self.mentors, takes_mentees=takes_mentees)
        return changed

    def scores(self, request: OpenRequest, mentee: Candidate) -> np.ndarray:
        """One row: the request's score against every mentor, REFUSED where a hard rule says no."""
        return self.scores_for([(request, mentee)])[0]

    def scores_for(self, batch: list[tuple[OpenRequest, Candidate]]) -> np.ndarray:
        """Rows for a batch of requests against every mentor."""
        count = len(self.mentors.ids)
        rows = np.repeat(np.arange(len(batch)), count)
        columns = np.tile(np.arange(count), len(batch))
        return self.pair_scores(self.encode(batch), rows, columns).reshape(len(batch), count)

    def encode(self, batch: list[tuple[OpenRequest, Candidate]]) -> EncodedBatch:
        count = len(self.mentors.ids)
        must_rows: dict[frozenset[str], int] = {frozenset(): 0}
        avoid_rows: dict[frozenset[str], int] = {frozenset(): 0}
        blocked: list[int] = []
        for row, (request, mentee) in enumerate(batch):
            must_rows.setdefault(request.must_have, len(must_rows))
            avoid_rows.setdefault(request.avoid, len(avoid_rows))
            people = {request.mentee_id, request.co_mentee_id, *request.co_mentee_ids, *request.declined_mentor_ids}
            people |= set(line_above(mentee.participant_id, self.managers, self.declared))
            columns = {self.column_of[i] for i in people if i in self.column_of}
            columns.update(self.bossed_by.get(mentee.participant_id, []))
            blocked += [row * count + column for column in columns]
        return EncodedBatch(
            rows=request_rows(batch, self.topics, self.words, self.languages, self.width, self.language_width),
            must=np.array([must_rows[request.must_have] for request, _ in batch], dtype=np.int64),
            avoid=np.array([avoid_rows[request.avoid] for request, _ in batch], dtype=np.int64),
            must_met=np.stack([self._having_all(names) for names in must_rows]),
            avoided=np.stack([self._having_any(names) for names in avoid_rows]),
            blocked=np.unique(np.array(blocked, dtype=np.int64)),
        )

    def pair_scores(self, batch: EncodedBatch, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
        """Scores of the pairs (batch row, mentor column), REFUSED where a hard rule says no."""
        out = np.empty(len(rows), dtype=np.float32)
        for start in range(0, len(rows), CHUNK):
            end = start + CHUNK
            out[start:end] = self._scores(batch, rows[start:end], columns[start:end])
        return out

    def topic_bound(self, batch: EncodedBatch, r: np.ndarray, c: np.ndarray) -> np.ndarray:
        """What learning and reciprocity bring a one-to-one pair, for bounding its score."""
        out = np.empty(len(r))
        for start in range(0, len(r), CHUNK):
            rr, cc = r[start:start + CHUNK], c[start:start + CHUNK]
            out[start:start + CHUNK] = (self.points["learning"] * self._learning(batch.rows.goal_codes,
                                                                                 batch.rows.goal_count, rr, cc)
                                        + self.points["reciprocity"] * self._reciprocity(batch.rows, rr, cc))
        return out

    def _reciprocity(self, q: RequestRows, r: np.ndarray, c: np.ndarray) -> np.ndarray:
        m = self.mentors
        reciprocity = np.zeros(len(r), dtype=np.float64)
        for slot in range(q.offer_codes.shape[1]):
            reciprocity += in_column(q.offer_levels, slot, r) * cells(m.wants, c, in_column(q.offer_codes, slot, r))
        wants_count = m.wants_count[c]
        reciprocity = np.divide(reciprocity, wants_count, out=np.zeros(len(r)), where=wants_count > 0)
        return reciprocity.astype(np.float32)

    def _scores(self, batch: EncodedBatch, r: np.ndarray, c: np.ndarray) -> np.ndarray:
        m, q = self.mentors, batch.rows
        learning = self._learning(q.goal_codes, q.goal_count, r, c)
        reciprocity = self._reciprocity(q, r, c)
        symmetric = q.symmetric[r]
        if symmetric.any():
            gain_back = self._learning(q.want_codes, q.want_count, r, c)
            shared = ((learning + gain_back) / 2 + reciprocity) / 2
            learning = np.where(symmetric, shared, learning)
            reciprocity = np.where(symmetric, shared, reciprocity)
        # Another organization counts fully, another department of one's own half.
        outside = np.float32(0.5) * ((m.organization[c] != q.organization[r]).astype(np.float32)
                                     + (m.department[c] != q.department[r]))
        language = (q.languages[r] & m.languages[c]).any(axis=1)
        points = {name: np.float32(value) for name, value in self.points.items()}
        total = (points["learning"] * learning + points["reciprocity"] * reciprocity
                 + points["logistics"] * self._logistics(q, r, c)
                 + points["language"] * language
                 + points["career_gap"] * self._career_gap(q, r, c, symmetric)
                 + points["outside_circle"] * outside)
        total = np.where(cells(batch.must_met, batch.must.take(r), c), total, total * MUST_HAVE_PENALTY)
        keys = r.astype(np.int64) * len(m.ids) + c
        refused = np.isin(keys, batch.blocked) if len(batch.blocked) else np.zeros(len(r), dtype=bool)
        allowed = m.takes_mentees[c] & q.active[r] & ~cells(batch.avoided, batch.avoid.take(r), c) & ~refused \
            & self._program_allows(q, r, c, language)
        return np.where(allowed, np.round(total, 4), np.float32(REFUSED))

    def _program_allows(self, q: RequestRows, r: np.ndarray, c: np.ndarray, language: np.ndarray) -> np.ndarray:
        """The program's switchable hard rules (hard_rules.py says the same pair by pair)."""
        m = self.mentors
        other_organization = ~q.other_organization_only[r] | (m.organization[c] != q.organization[r])
        speaks = ~q.shared_language[r] | language
        near = np.abs(q.offset[r] - m.offset[c]) <= q.max_zone_gap[r]
        return other_organization & speaks & near

    def _learning(self, codes: np.ndarray, counts: np.ndarray, r: np.ndarray, c: np.ndarray) -> np.ndarray:
        """What the mentor offers of the listed topics, on average. Summed in float64, where
        these few level values add exactly, so the order of the sum cannot change a bit."""
        total = np.zeros(len(r), dtype=np.float64)
        for slot in range(codes.shape[1]):
            total += cells(self.mentors.offers, c, in_column(codes, slot, r))
        count = counts[r]
        return np.divide(total, count, out=np.zeros(len(r)), where=count > 0).astype(np.float32)

    def _logistics(self, q: RequestRows, r: np.ndarray, c: np.ndarray) -> np.ndarray:
        m = self.mentors
        modes, zones = self._modes_and_zones(q, r, c)
        smaller = np.minimum(q.week_total[r], m.week_total[c])
        # Weeks overlap only in words both use; most pairs share none, so only the others are counted.
        together = np.zeros(len(r), dtype=np.float32)
        both = np.flatnonzero(q.week_words.take(r) & m.week_words.take(c))
        together[both] = np.bitwise_count(q.week[r[both]] & m.week[c[both]]).sum(axis=1)
        overlap = np.divide(together, smaller, out=np.zeros_like(smaller), where=smaller > 0)
        known = q.has_week[r] & m.has_week[c]
        availability = np.where(known, np.minimum(np.float32(1.0), overlap), np.float32(UNKNOWN_AVAILABILITY))
        return np.float32(0.4) * modes + np.float32(0.3) * (zones + availability)

    def _modes_and_zones(self, q: RequestRows, r: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        m = self.mentors
        shared = m.modes[c] & q.wanted_modes[r]
        shared = np.where(m.location[c] == q.place[r], shared, shared & ~IN_PERSON)
        return shared != 0, 1 - np.minimum(np.abs(q.offset[r] - m.offset[c]), 12) / 12

    def ambient_bound(self, batch: EncodedBatch, r: np.ndarray, c: np.ndarray) -> np.ndarray:
        """The most the factors other than learning and reciprocity can add to a one-to-one
        pair: each exactly, but availability at its best (the costly one to compute)."""
        q, m, points = batch.rows, self.mentors, self.points
        out = np.empty(len(r))
        for start in range(0, len(r), CHUNK):
            rr, cc = r[start:start + CHUNK], c[start:start + CHUNK]
            modes, zones = self._modes_and_zones(q, rr, cc)
            best_week = np.where(q.has_week[rr] & m.has_week[cc], 1.0, UNKNOWN_AVAILABILITY)
            outside = 0.5 * ((m.organization[cc] != q.organization[rr]).astype(np.float64)
                             + (m.department[cc] != q.department[rr]))
            out[start:start + CHUNK] = (
                points["logistics"] * (0.4 * modes + 0.3 * (zones + best_week))
                + points["language"] * (q.languages[rr] & m.languages[cc]).any(axis=1)
                + points["career_gap"] * self._career_gap(q, rr, cc, np.zeros(len(rr), dtype=bool))
                + points["outside_circle"] * outside)
        return out

    def _career_gap(self, q: RequestRows, r: np.ndarray, c: np.ndarray, symmetric: np.ndarray) -> np.ndarray:
        gap = self.mentors.years[c] - q.years[r]
        # Rising to 1 at three years more experience, falling to 0 from fifteen to thirty.
        mentoring = np.minimum(np.clip(gap / 3, 0, 1), np.clip(1 - (gap - 15) / 15, 0, 1))
        if not symmetric.any():
            return mentoring
        return np.where(symmetric, 1 - np.minimum(np.abs(gap), 10) / 10, mentoring)

    def _having(self, attribute: str) -> np.ndarray:
        if attribute not in self.attribute_masks:
            self.attribute_masks[attribute] = np.array([attribute in a for a in self.mentors.attributes], dtype=bool)
        return self.attribute_masks[attribute]

    def _having_all(self, attributes: frozenset[str]) -> np.ndarray:
        met = np.ones(len(self.mentors.ids), dtype=bool)
        for attribute in attributes:
            met &= self._having(attribute)
        return met

    def _having_any(self, attributes: frozenset[str]) -> np.ndarray:
        hit = np.zeros(len(self.mentors.ids), dtype=bool)
        for attribute in attributes:
            hit |= self._having(attribute)
        return hit
