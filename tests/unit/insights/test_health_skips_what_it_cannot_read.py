"""The fold never raises on what arrives: malformed events are counted and skipped, types it
does not know are ignored, and an event delivered twice counts once."""

import copy

from tests.unit.insights.health_kit import folded
from tests.unit.insights.program_story import DAY, HOUR, T0, ProgramStory
from tests.unit.insights.relationship_story import agreed_and_active, held, matched_pair


def test_malformed_events_are_skipped_and_counted_and_the_rest_still_counts() -> None:
    story = ProgramStory()
    matched_pair(story, T0)
    good = story.events[-1]
    no_payload = {**good, "id": "a", "data": {"request_id": "not a uuid"}}
    no_time = {**good, "id": "b", "time": "yesterday"}
    missing_time = {key: value for key, value in good.items() if key != "time"}
    no_id = {**good, "id": ""}
    log = [
        *story.events,
        no_payload,
        no_time,
        missing_time,
        no_id,
        "not even a mapping",
        {"data": {}},
        {**good, "id": "c", "data": None},
    ]

    book = folded(log)

    assert book.skipped == 7
    assert book.program(str(story.program))["overall"]["requests"]["matched"] == 1


def test_unknown_types_and_versions_are_ignored_without_counting_as_malformed() -> None:
    story = ProgramStory()
    matched_pair(story, T0)
    future = {
        **story.events[-1],
        "id": "v2",
        "type": "mentoring.matching.MatchConfirmed.v2",
        "data": {"anything": "new"},
    }
    foreign = {**story.events[-1], "id": "x", "type": "com.example.SomethingElse"}

    book = folded([*story.events, future, foreign])

    assert (book.skipped, book.ignored) == (0, 2)


def test_an_event_delivered_twice_counts_once() -> None:
    story = ProgramStory()
    pair = matched_pair(story, T0)
    agreed_and_active(story, pair, T0 + 5 * HOUR)
    held(story, pair, T0 + 5 * DAY)
    resent_tail = copy.deepcopy(story.events[-2:])  # a relay re-sends what it had not saved

    book = folded([*story.events, *resent_tail])

    overall = book.program(str(story.program))["overall"]
    assert book.duplicates == 2
    assert overall["cadence"]["sessions_held"] == 1
    assert overall["proposals"]["accepted_by_side"] == {"mentee": 1, "mentor": 1}
