"""A batch of requests as arrays, in the codes of the mentors' columns.

Topic lists are padded to the batch's longest with the last topic column, which no
mentor offers or wants, so a padded slot adds nothing; a topic or language no mentor
has (a scorer built from the mentors alone) lands there too, or nowhere.
"""

from dataclasses import dataclass

import numpy as np

from services.matching.domain.logistics import utc_offset_hours
from services.matching.domain.mentor_columns import Vocabulary, mode_mask, spoken, weeks, words_used
from services.matching.domain.pool import LEVEL_VALUE, Candidate, OpenRequest
from services.matching.domain.scoring import SYMMETRIC_FORMATS


@dataclass
class RequestRows:
    goal_codes: np.ndarray  # requests x slots
    goal_count: np.ndarray
    offer_codes: np.ndarray  # what the mentee offers
    offer_levels: np.ndarray
    want_codes: np.ndarray  # what the mentee wants
    want_count: np.ndarray
    symmetric: np.ndarray
    organization: np.ndarray
    department: np.ndarray
    wanted_modes: np.ndarray
    place: np.ndarray
    offset: np.ndarray
    week: np.ndarray
    week_total: np.ndarray
    week_words: np.ndarray  # mentor_columns.words_used(week)
    has_week: np.ndarray
    years: np.ndarray
    languages: np.ndarray
    active: np.ndarray
    # The program's switchable rules, per request (every request of a batch may differ).
    other_organization_only: np.ndarray
    shared_language: np.ndarray
    max_zone_gap: np.ndarray  # hours; inf where the program sets no window


def padded(rows: list[list[int]], filler: int) -> np.ndarray:
    width = max((len(row) for row in rows), default=0) or 1
    table = np.full((len(rows), width), filler, dtype=np.int64)
    for index, row in enumerate(rows):
        table[index, :len(row)] = row
    return table


def request_rows(batch: list[tuple[OpenRequest, Candidate]], topics: Vocabulary, words: Vocabulary,
                 languages: Vocabulary, width: int, language_width: int) -> RequestRows:
    nobody = width - 1
    mentees = [mentee for _, mentee in batch]
    offered = [list(mentee.offers.items()) for mentee in mentees]
    offer_codes = padded([[topics.codes.get(topic, nobody) for topic, _ in items] for items in offered], nobody)
    offer_levels = np.zeros(offer_codes.shape, dtype=np.float32)
    for row, items in enumerate(offered):
        offer_levels[row, :len(items)] = [LEVEL_VALUE.get(level, 0.0) for _, level in items]
    week = weeks(mentees)
    return RequestRows(
        goal_codes=padded([[topics.codes.get(t, nobody) for t in request.goal_topics] for request, _ in batch],
                          nobody),
        goal_count=np.array([len(request.goal_topics) for request, _ in batch], dtype=np.float64),
        offer_codes=offer_codes, offer_levels=offer_levels,
        want_codes=padded([[topics.codes.get(topic, nobody) for topic in mentee.wants] for mentee in mentees], nobody),
        want_count=np.array([len(mentee.wants) for mentee in mentees], dtype=np.float64),
        symmetric=np.array([request.format in SYMMETRIC_FORMATS for request, _ in batch], dtype=bool),
        organization=np.array([words.code(m.organization) for m in mentees], dtype=np.int64),
        department=np.array([words.code(m.organization + "/" + m.department) for m in mentees], dtype=np.int64),
        wanted_modes=np.array([mode_mask(request.meeting_modes or mentee.meeting_modes) for request, mentee in batch],
                              dtype=np.int64),
        place=np.array([words.codes.get("place:" + m.location, -2) if m.location else -3 for m in mentees],
                       dtype=np.int64),
        offset=np.array([utc_offset_hours(m.time_zone) for m in mentees], dtype=np.float32),
        week=week, week_total=np.bitwise_count(week).sum(axis=1).astype(np.float32), week_words=words_used(week),
        has_week=np.array([bool(m.availability) for m in mentees], dtype=bool),
        years=np.array([m.years_experience for m in mentees], dtype=np.float32),
        languages=spoken(mentees, languages, language_width),
        active=np.array([m.active for m in mentees], dtype=bool),
        other_organization_only=np.array([not request.rules.same_organization for request, _ in batch], dtype=bool),
        shared_language=np.array([request.rules.shared_language for request, _ in batch], dtype=bool),
        max_zone_gap=np.array([np.inf if request.rules.max_time_zone_gap_hours is None
                               else request.rules.max_time_zone_gap_hours for request, _ in batch], dtype=np.float32),
    )
