"""What a consumer causes stays in the trace of the request that started it."""

import dataclasses

from shared.tracing import Trace, child_traceparent

PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def test_a_child_keeps_the_trace_id_and_flags_with_a_new_parent_id():
    child = child_traceparent(PARENT)
    assert child is not None
    version, trace_id, parent_id, flags = child.split("-")
    assert (version, trace_id, flags) == ("00", "4bf92f3577b34da6a3ce929d0e0e4736", "01")
    assert parent_id != "00f067aa0ba902b7" and len(parent_id) == 16


def test_no_parent_or_a_malformed_one_gives_none():
    for bad in (None, "", "garbage", "00-" + "0" * 32 + "-00f067aa0ba902b7-01", "00-xyz-00f067aa0ba902b7-01"):
        assert child_traceparent(bad) is None


def test_a_traces_dict_holds_every_field_as_dataclasses_asdict_would():
    trace = Trace(correlation_id="c", causation_id="e", traceparent="00-" + "a" * 32 + "-" + "b" * 16 + "-01")
    assert trace.as_dict() == dataclasses.asdict(trace)
    assert Trace(correlation_id="c").as_dict() == dataclasses.asdict(Trace(correlation_id="c"))
