"""What `mentoring status` counts as a read-side group's lag, from offsets alone."""

from aiokafka import TopicPartition
from aiokafka.structs import OffsetAndMetadata

from mentoring_cli.consumer_lag import records_behind

A, B, C = (TopicPartition("t", p) for p in range(3))


def test_lag_is_end_minus_committed_and_all_of_a_partition_never_committed():
    partitions = {A: (0, 10), B: (0, 5), C: (4, 9)}  # (beginning, end)
    committed = {A: OffsetAndMetadata(7, ""), B: OffsetAndMetadata(-1, "")}
    # A: 3 behind; B: a group that fetched but never committed, all 5; C: unknown, its 5 held.
    assert records_behind(partitions, committed) == 3 + 5 + 5


def test_a_caught_up_group_has_no_lag():
    assert records_behind({A: (0, 10)}, {A: OffsetAndMetadata(10, "")}) == 0
