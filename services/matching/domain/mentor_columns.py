"""Every mentor of a program as arrays the vectorised scorer gathers from, one row each.

Strings become dense integer codes; weekly availability becomes 15-minute slots packed
into bits (672 slots in 11 words), so the overlap of two weeks is a popcount, not a
672-long dot product. Exact for windows that start and end on a quarter hour (the API's
windows are clock times; finer ones are rounded outwards).
"""

from dataclasses import dataclass
from uuid import UUID

import numpy as np

from services.matching.domain.logistics import MINUTES_PER_WEEK, utc_intervals, utc_offset_hours
from services.matching.domain.pool import LEVEL_VALUE, Candidate

SLOT_MINUTES = 15
SLOTS = MINUTES_PER_WEEK // SLOT_MINUTES
MODES = ("in_person", "video", "phone", "chat")


class Vocabulary:
    """Dense integer codes for the strings the arrays compare."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}

    def code(self, value: str) -> int:
        return self.codes.setdefault(value, len(self.codes))


def packed(flags: np.ndarray) -> np.ndarray:
    """Rows of booleans as rows of 64-bit words (bit order is irrelevant: only ANDs and counts)."""
    width = -(-max(flags.shape[1], 1) // 64) * 64
    padded = np.zeros((flags.shape[0], width), dtype=bool)
    padded[:, :flags.shape[1]] = flags
    return np.packbits(padded, axis=1).view(np.uint64)


def week_slots(candidate: Candidate) -> np.ndarray:
    week = np.zeros(SLOTS, dtype=bool)
    for start, end in utc_intervals(candidate.availability, candidate.time_zone):
        week[start // SLOT_MINUTES:-(-end // SLOT_MINUTES)] = True
    return week


def weeks(people: list[Candidate]) -> np.ndarray:
    return packed(np.stack([week_slots(p) for p in people]) if people else np.zeros((0, SLOTS), dtype=bool))


def words_used(week: np.ndarray) -> np.ndarray:
    """Per row of packed slots, bit w set where word w has a slot: two weeks can overlap only
    in words both use, and most pairs of people share none."""
    return ((week != 0) * (1 << np.arange(week.shape[1], dtype=np.int64))).sum(axis=1, dtype=np.int64)


def mode_mask(modes: frozenset[str]) -> int:
    return sum(1 << MODES.index(mode) for mode in modes if mode in MODES)


def spoken(people: list[Candidate], languages: Vocabulary, width: int) -> np.ndarray:
    flags = np.zeros((len(people), width), dtype=bool)
    for row, person in enumerate(people):
        flags[row, [languages.codes[spoken] for spoken in person.languages if spoken in languages.codes]] = True
    return packed(flags)


@dataclass
class MentorColumns:
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
    languages: np.ndarray  # mentors x words, bits
    week: np.ndarray  # mentors x words, bits
    week_total: np.ndarray
    week_words: np.ndarray  # words_used(week)
    has_week: np.ndarray
    takes_mentees: np.ndarray  # can mentor, active, has room
    attributes: list[set[str]]


def mentor_columns(mentors: list[Candidate], topics: Vocabulary, words: Vocabulary, languages: Vocabulary,
                   width: int, language_width: int) -> MentorColumns:
    count = len(mentors)
    offers = np.zeros((count, width), dtype=np.float32)
    wants = np.zeros((count, width), dtype=np.float32)
    for row, mentor in enumerate(mentors):
        for topic, level in mentor.offers.items():
            offers[row, topics.code(topic)] = LEVEL_VALUE.get(level, 0.0)
        for topic in mentor.wants:
            wants[row, topics.code(topic)] = 1.0
    week = weeks(mentors)
    return MentorColumns(
        ids=[m.participant_id for m in mentors], offers=offers, wants=wants, wants_count=wants.sum(axis=1),
        years=np.array([m.years_experience for m in mentors], dtype=np.float32),
        organization=np.array([words.code(m.organization) for m in mentors], dtype=np.int64),
        department=np.array([words.code(m.organization + "/" + m.department) for m in mentors], dtype=np.int64),
        location=np.array([words.code("place:" + m.location) if m.location else -1 for m in mentors],
                          dtype=np.int64),
        offset=np.array([utc_offset_hours(m.time_zone) for m in mentors], dtype=np.float32),
        modes=np.array([mode_mask(m.meeting_modes) for m in mentors], dtype=np.int64),
        languages=spoken(mentors, languages, language_width), week=week,
        week_total=np.bitwise_count(week).sum(axis=1).astype(np.float32), week_words=words_used(week),
        has_week=np.array([bool(m.availability) for m in mentors], dtype=bool),
        takes_mentees=takes_mentees(mentors),
        attributes=[m.attributes() for m in mentors],
    )


def takes_mentees(mentors: list[Candidate]) -> np.ndarray:
    """Per mentor: can mentor, is active and has room (the one column a mentor's load decides)."""
    return np.array([m.can_mentor and m.active and m.has_room for m in mentors], dtype=bool)
