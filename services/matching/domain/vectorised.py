"""Scores one batch of requests against every mentor at once, as matrices.

The same factors and weights as scoring.score(), computed with numpy so a whole
program (thousands by thousands) fits in seconds; tests hold the two equal.
Weekly availability is compared in 15-minute slots, exact for windows that start
and end on a quarter hour (the API's windows are clock times; finer ones are rounded).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from uuid import UUID

import numpy as np

from services.matching.domain.logistics import MINUTES_PER_WEEK, utc_intervals, utc_offset_hours
from services.matching.domain.pool import LEVEL_VALUE, Candidate, OpenRequest
from services.matching.domain.reporting_line import line_above, managers_of
from services.matching.domain.scoring import FACTORS, MUST_HAVE_PENALTY, SYMMETRIC_FORMATS, UNKNOWN_AVAILABILITY

SLOT_MINUTES = 15
SLOTS = MINUTES_PER_WEEK // SLOT_MINUTES
MODES = ("in_person", "video", "phone", "chat")
REFUSED = -1.0


class Vocabulary:
    """Dense integer codes for the strings the matrices compare."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}

    def code(self, value: str) -> int:
        return self.codes.setdefault(value, len(self.codes))


def slots(candidate: Candidate) -> np.ndarray:
    week = np.zeros(SLOTS, dtype=np.float32)
    for start, end in utc_intervals(candidate.availability, candidate.time_zone):
        week[start // SLOT_MINUTES:-(-end // SLOT_MINUTES)] = 1.0
    return week


def mode_mask(modes: frozenset[str]) -> int:
    return sum(1 << MODES.index(mode) for mode in modes if mode in MODES)


@dataclass
class MentorMatrix:
    """Every mentor of a program, as columns the scorer compares a request against."""

    ids: list[UUID]
    offers: np.ndarray  # mentors x topics, level values
    wants: np.ndarray  # mentors x topics, 0/1
    wants_count: np.ndarray
    years: np.ndarray
    organization: np.ndarray
    department: np.ndarray
    location: np.ndarray
    offset: np.ndarray
    modes: np.ndarray
    languages: np.ndarray  # mentors x languages, 0/1
    week: np.ndarray  # mentors x slots
    week_total: np.ndarray
    has_week: np.ndarray
    can_mentor: np.ndarray
    active: np.ndarray
    room: np.ndarray
    attributes: list[set[str]]


def mentor_matrix(mentors: list[Candidate], topics: Vocabulary, words: Vocabulary, languages: Vocabulary,
                  width: int, language_width: int) -> MentorMatrix:
    count = len(mentors)
    offers = np.zeros((count, width), dtype=np.float32)
    wants = np.zeros((count, width), dtype=np.float32)
    spoken = np.zeros((count, language_width), dtype=np.float32)
    for row, mentor in enumerate(mentors):
        for topic, level in mentor.offers.items():
            offers[row, topics.code(topic)] = LEVEL_VALUE.get(level, 0.0)
        for topic in mentor.wants:
            wants[row, topics.code(topic)] = 1.0
        for language in mentor.languages:
            spoken[row, languages.code(language)] = 1.0
    week = np.stack([slots(m) for m in mentors]) if mentors else np.zeros((0, SLOTS), dtype=np.float32)
    return MentorMatrix(
        ids=[m.participant_id for m in mentors], offers=offers, wants=wants, wants_count=wants.sum(axis=1),
        years=np.array([m.years_experience for m in mentors], dtype=np.float32),
        organization=np.array([words.code(m.organization) for m in mentors]),
        department=np.array([words.code(m.organization + "/" + m.department) for m in mentors]),
        location=np.array([words.code("place:" + m.location) if m.location else -1 for m in mentors]),
        offset=np.array([utc_offset_hours(m.time_zone) for m in mentors], dtype=np.float32),
        modes=np.array([mode_mask(m.meeting_modes) for m in mentors]),
        languages=spoken, week=week, week_total=week.sum(axis=1),
        has_week=np.array([bool(m.availability) for m in mentors]),
        can_mentor=np.array([m.can_mentor for m in mentors]),
        active=np.array([m.active for m in mentors]), room=np.array([m.has_room for m in mentors]),
        attributes=[m.attributes() for m in mentors],
    )


class VectorScorer:
    def __init__(self, mentors: list[Candidate], mentees: list[Candidate],
                 managers: Mapping[UUID, UUID | None], weights: dict[str, float]) -> None:
        self.topics, self.words, self.languages = Vocabulary(), Vocabulary(), Vocabulary()
        for person in [*mentors, *mentees]:
            for topic in [*person.offers, *person.wants]:
                self.topics.code(topic)
            for language in person.languages:
                self.languages.code(language)
        self.width, self.language_width = len(self.topics.codes) + 1, len(self.languages.codes)
        self.mentors = mentor_matrix(mentors, self.topics, self.words, self.languages, self.width,
                                     self.language_width)
        self.column_of = {ident: column for column, ident in enumerate(self.mentors.ids)}
        # Everyone above each mentor, to the top of the declared line: the mentee may be none of them.
        self.managers, self.declared = managers, managers_of([*mentors, *mentees])
        self.mentor_bosses = [set(line_above(ident, managers, self.declared)) for ident in self.mentors.ids]
        self.bossed_by: dict[UUID, list[int]] = {}
        for column, bosses in enumerate(self.mentor_bosses):
            for boss in bosses:
                self.bossed_by.setdefault(boss, []).append(column)
        self.attribute_masks: dict[str, np.ndarray] = {}
        weight_sum = sum(max(0.0, weights.get(name, 0.0)) for name in FACTORS) or 1.0
        self.points = {name: 100 * max(0.0, weights.get(name, 0.0)) / weight_sum for name in FACTORS}

    def scores(self, request: OpenRequest, mentee: Candidate) -> np.ndarray:
        """One row: the request's score against every mentor, REFUSED where a hard rule says no."""
        return self.scores_for([(request, mentee)])[0]

    def scores_for(self, batch: list[tuple[OpenRequest, Candidate]]) -> np.ndarray:
        """Rows for a batch of requests, computed as matrix products over all mentors."""
        m, count = self.mentors, len(batch)
        goals = np.zeros((count, self.width), dtype=np.float32)
        mentee_offers = np.zeros((count, self.width), dtype=np.float32)
        mentee_wants = np.zeros((count, self.width), dtype=np.float32)
        spoken = np.zeros((count, self.language_width), dtype=np.float32)
        for row, (request, mentee) in enumerate(batch):
            for topic in request.goal_topics:
                # Topics nobody offers or wants share the last column, which no mentor offers.
                goals[row, self.topics.codes.get(topic, self.width - 1)] += 1.0
            for topic, level in mentee.offers.items():
                mentee_offers[row, self.topics.codes[topic]] = LEVEL_VALUE.get(level, 0.0)
            for topic in mentee.wants:
                mentee_wants[row, self.topics.codes[topic]] = 1.0
            for language in mentee.languages:
                spoken[row, self.languages.codes[language]] = 1.0
        goal_counts = goals.sum(axis=1, keepdims=True)
        learning = np.divide(goals @ m.offers.T, goal_counts, out=np.zeros((count, len(m.ids)), np.float32),
                             where=goal_counts > 0)
        reciprocity = np.divide(mentee_offers @ m.wants.T, m.wants_count[None, :],
                                out=np.zeros((count, len(m.ids)), np.float32),
                                where=m.wants_count[None, :] > 0)
        symmetric = np.array([request.format in SYMMETRIC_FORMATS for request, _ in batch])
        if symmetric.any():
            want_counts = mentee_wants.sum(axis=1, keepdims=True)
            gain_back = np.divide(mentee_wants @ m.offers.T, want_counts,
                                  out=np.zeros((count, len(m.ids)), np.float32), where=want_counts > 0)
            shared = ((learning + gain_back) / 2 + reciprocity) / 2
            learning = np.where(symmetric[:, None], shared, learning)
            reciprocity = np.where(symmetric[:, None], shared, reciprocity)
        organization = np.array([self.words.code(mentee.organization) for _, mentee in batch])
        department = np.array([self.words.code(mentee.organization + "/" + mentee.department) for _, mentee in batch])
        # Another organization counts fully, another department of one's own half.
        outside = np.float32(0.5) * ((m.organization[None, :] != organization[:, None]).astype(np.float32)
                                     + (m.department[None, :] != department[:, None]))
        points = {name: np.float32(value) for name, value in self.points.items()}
        total = (points["learning"] * learning + points["reciprocity"] * reciprocity
                 + points["logistics"] * self._logistics(batch)
                 + points["language"] * ((spoken @ m.languages.T) > 0)
                 + points["career_gap"] * self._career_gap(batch, symmetric)
                 + points["outside_circle"] * outside)
        for row, (request, _) in enumerate(batch):
            if request.must_have:
                met = np.logical_and.reduce([self._having(attribute) for attribute in request.must_have])
                total[row] = np.where(met, total[row], total[row] * MUST_HAVE_PENALTY)
        return np.where(self._allowed(batch), np.round(total, 4), REFUSED)

    def _having(self, attribute: str) -> np.ndarray:
        if attribute not in self.attribute_masks:
            self.attribute_masks[attribute] = np.array([attribute in a for a in self.mentors.attributes])
        return self.attribute_masks[attribute]

    def _logistics(self, batch: list[tuple[OpenRequest, Candidate]]) -> np.ndarray:
        m = self.mentors
        in_person = 1 << MODES.index("in_person")
        wanted = np.array([mode_mask(request.meeting_modes or mentee.meeting_modes) for request, mentee in batch])
        place = np.array([self.words.codes.get("place:" + mentee.location, -2) if mentee.location else -3
                          for _, mentee in batch])
        shared = m.modes[None, :] & wanted[:, None]
        shared = np.where(m.location[None, :] == place[:, None], shared, shared & ~in_person)
        modes = shared != 0
        offsets = np.array([utc_offset_hours(mentee.time_zone) for _, mentee in batch], dtype=np.float32)
        zones = 1 - np.minimum(np.abs(offsets[:, None] - m.offset[None, :]), 12) / 12
        weeks = np.stack([slots(mentee) for _, mentee in batch])
        has_week = np.array([bool(mentee.availability) for _, mentee in batch])
        smaller = np.minimum(weeks.sum(axis=1)[:, None], m.week_total[None, :])
        overlap = np.divide(weeks @ m.week.T, smaller, out=np.zeros_like(smaller), where=smaller > 0)
        known = has_week[:, None] & m.has_week[None, :]
        availability = np.where(known, np.minimum(np.float32(1.0), overlap), np.float32(UNKNOWN_AVAILABILITY))
        return np.float32(0.4) * modes + np.float32(0.3) * (zones + availability)

    def _career_gap(self, batch: list[tuple[OpenRequest, Candidate]], symmetric: np.ndarray) -> np.ndarray:
        years = np.array([mentee.years_experience for _, mentee in batch], dtype=np.float32)
        gap = self.mentors.years[None, :] - years[:, None]
        # Rising to 1 at three years more experience, falling to 0 from fifteen to thirty.
        mentoring = np.minimum(np.clip(gap / 3, 0, 1), np.clip(1 - (gap - 15) / 15, 0, 1))
        if not symmetric.any():
            return mentoring
        return np.where(symmetric[:, None], 1 - np.minimum(np.abs(gap), 10) / 10, mentoring)

    def _allowed(self, batch: list[tuple[OpenRequest, Candidate]]) -> np.ndarray:
        m = self.mentors
        base = m.can_mentor & m.active & m.room
        allowed = np.repeat(base[None, :], len(batch), axis=0)
        for row, (request, mentee) in enumerate(batch):
            if not mentee.active:
                allowed[row] = False
                continue
            blocked = {request.mentee_id, request.co_mentee_id, *request.declined_mentor_ids}
            blocked |= set(line_above(mentee.participant_id, self.managers, self.declared))
            columns = [self.column_of[i] for i in blocked if i in self.column_of]
            columns += self.bossed_by.get(mentee.participant_id, [])
            allowed[row, columns] = False
            for attribute in request.avoid:
                allowed[row] &= ~self._having(attribute)
        return allowed
