"""The SSE id: the offsets delivered per topic partition, written and read back."""

import pytest

from services.insights.stream_position import InvalidPosition, StreamPosition


def test_a_position_reads_back_what_it_wrote():
    position = StreamPosition()
    position.advance("matching", 2, 7)
    position.advance("intake", 0, 12)
    assert position.encode() == "intake/0:12,matching/2:7"
    assert StreamPosition.decode(position.encode()) == position


def test_an_event_at_or_below_its_partitions_offset_was_delivered_and_other_partitions_were_not():
    position = StreamPosition.decode("intake/0:12")
    assert position.delivered("intake", 0, 12) and position.delivered("intake", 0, 3)
    assert not position.delivered("intake", 0, 13)
    assert not position.delivered("intake", 1, 0) and not position.delivered("sessions", 0, 0)


def test_nothing_delivered_is_written_as_a_dash_not_an_empty_id_that_would_clear_the_clients():
    assert StreamPosition().encode() == "-"
    assert StreamPosition.decode("-") == StreamPosition()


@pytest.mark.parametrize("text", ["intake/0", "billing/0:1", "intake/x:1", "intake/0:-1", "", "a" * 3000])
def test_anything_else_is_refused(text):
    with pytest.raises(InvalidPosition):
        StreamPosition.decode(text)
