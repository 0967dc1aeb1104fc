"""Which mentors offer or want which topic: the posting lists a candidate search walks.

Three lists, each as one sorted array cut by key (the CSR layout): mentors by offered
topic, by wanted topic, and by (offered, wanted) pair; and, per set of goals, every
mentor offering one of them ordered by how much they offer (the learning factor),
built once and shared by every request with those goals, all laid end to end.
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
        # Every goal set's learning order asked for so far, end to end, kept for every later batch
        # (each batch used to lay its own out again: 5 million entries at 30,000 mentors). The
        # arrays grow by doubling; only the first `used` entries are orders.
        self.order_columns, self.order_learning = np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
        self.used = 0
        self.order_at: dict[tuple[int, ...], tuple[int, int]] = {}  # goal set -> first position, length

    def learning_orders(self, goal_sets: list[tuple[int, ...]]) -> tuple[np.ndarray, np.ndarray]:
        """Where each goal set's learning order starts in order_columns and order_learning, and its length."""
        for goals in goal_sets:
            if goals not in self.order_at:
                self._append(goals, *self.learning_order(goals))
        places = np.array([self.order_at[goals] for goals in goal_sets], dtype=np.int64).reshape(-1, 2)
        return places[:, 0], places[:, 1]

    def _append(self, goals: tuple[int, ...], columns: np.ndarray, learning: np.ndarray) -> None:
        end = self.used + len(columns)
        if end > len(self.order_columns):
            size = max(end, 2 * len(self.order_columns))
            self.order_columns = np.concatenate([self.order_columns[:self.used],
                                                 np.zeros(size - self.used, dtype=np.int32)])
            self.order_learning = np.concatenate([self.order_learning[:self.used],
                                                  np.zeros(size - self.used, dtype=np.float32)])
        self.order_columns[self.used:end], self.order_learning[self.used:end] = columns, learning
        self.order_at[goals] = (self.used, len(columns))
        self.used = end

    def learning_order(self, goals: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
        """Mentors offering any of the goals, most learning first, with their learning factor."""
        if not goals:
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
        topics = np.unique(np.array(goals, dtype=np.int64))
        _, columns = self.offering.gather(topics)
        columns = np.unique(columns)
        learning = self.mentors.offers[columns][:, list(goals)].astype(np.float64).sum(axis=1) / len(goals)
        order = np.argsort(-learning, kind="stable")
        return columns[order].astype(np.int32), learning[order].astype(np.float32)
