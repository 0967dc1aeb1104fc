"""Which mentors offer or want which topic: the posting lists a candidate search walks.

Three lists, each as one sorted array cut by key (the CSR layout): mentors by offered
topic, by wanted topic, and by (offered, wanted) pair; and, per set of goals, every
mentor offering one of them ordered by how much they offer (the learning factor),
built once and shared by every request with those goals.
"""

from dataclasses import dataclass

import numpy as np

from services.matching.domain.mentor_columns import MentorColumns


@dataclass(frozen=True)
class Postings:
    starts: np.ndarray  # key -> first position; starts[key + 1] ends it
    columns: np.ndarray  # mentor columns, by key

    def gather(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every (position in keys, column) the keys list, in one pass over the lists."""
        first, lengths = self.starts[keys], self.starts[keys + 1] - self.starts[keys]
        return np.repeat(np.arange(len(keys)), lengths), self.columns[runs(first, lengths)]


def runs(first: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The positions first[i], first[i] + 1, ... (lengths[i] of them), for every i, end to end."""
    ends = np.cumsum(lengths)
    return np.arange(int(ends[-1]) if len(ends) else 0) - np.repeat(ends - lengths - first, lengths)


def postings(keys: np.ndarray, columns: np.ndarray, key_count: int) -> Postings:
    order = np.lexsort((columns, keys))
    starts = np.zeros(key_count + 1, dtype=np.int64)
    np.cumsum(np.bincount(keys, minlength=key_count), out=starts[1:])
    return Postings(starts, columns[order].astype(np.int64))


class TopicIndex:
    def __init__(self, mentors: MentorColumns, width: int) -> None:
        self.mentors, self.width = mentors, width
        offering_columns, offered = np.nonzero(mentors.offers > 0)
        wanting_columns, wanted = np.nonzero(mentors.wants > 0)
        self.offering = postings(offered, offering_columns, width)
        self.wanting = postings(wanted, wanting_columns, width)
        # Each mentor's offered topics crossed with their wanted ones, through a by-mentor list of wants.
        wants_of = postings(wanting_columns, wanted, len(mentors.ids))
        entry, topic = wants_of.gather(offering_columns)
        self.offering_and_wanting = postings(offered[entry] * width + topic, offering_columns[entry], width * width)
        # Each mentor's wanted topics two by two (the lower code first), and per topic the fewest
        # topics any mentor wanting it wants: reciprocity from that one topic is at most 1 / that.
        entry, other = wants_of.gather(wanting_columns)
        pair = wanted[entry] < other
        self.wanting_two = postings(wanted[entry][pair] * width + other[pair], wanting_columns[entry][pair],
                                    width * width)
        self.fewest_wants = np.full(width, np.inf)
        np.minimum.at(self.fewest_wants, wanted, mentors.wants_count[wanting_columns])
        self.by_learning: dict[tuple[int, ...], tuple[np.ndarray, np.ndarray]] = {}

    def learning_order(self, goals: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
        """Mentors offering any of the goals, most learning first, with their learning factor."""
        if goals not in self.by_learning and not goals:
            self.by_learning[goals] = np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
        if goals not in self.by_learning:
            topics = np.unique(np.array(goals, dtype=np.int64))
            _, columns = self.offering.gather(topics)
            columns = np.unique(columns)
            learning = self.mentors.offers[columns][:, list(goals)].astype(np.float64).sum(axis=1) / len(goals)
            order = np.argsort(-learning, kind="stable")
            self.by_learning[goals] = columns[order].astype(np.int32), learning[order].astype(np.float32)
        return self.by_learning[goals]
